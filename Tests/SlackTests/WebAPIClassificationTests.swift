import Foundation
@testable import Slack
import Testing

/// Slack's Web API answers sorted into what the bot does next.
struct WebAPIClassificationTests {
    func classify(_ status: UInt, _ body: String, retryAfter: String? = nil) -> String {
        switch WebAPIClassifier.classify(SlackWebAPI.PostedMessage.self, status: status, retryAfter: retryAfter, body: Data(body.utf8)) {
        case .ok(let posted): "ok \(posted.ts ?? "-")"
        case .rateLimited(let wait): "rate limited \(wait.map { "\($0)" } ?? "backoff")"
        case .retryable(let reason): "retry: \(reason)"
        case .final(let reason): "final: \(reason)"
        }
    }

    @Test func answersAreSortedByWhatToDoNext() {
        #expect(classify(200, #"{"ok":true,"channel":"C1","ts":"1700.1"}"#) == "ok 1700.1")
        #expect(classify(429, #"{"ok":false,"error":"ratelimited"}"#, retryAfter: "30") == "rate limited 30.0 seconds")
        #expect(classify(429, "", retryAfter: "inf") == "rate limited backoff")
        #expect(classify(200, #"{"ok":false,"error":"ratelimited"}"#, retryAfter: "2") == "rate limited 2.0 seconds")
        #expect(classify(503, "upstream") == "retry: Slack answered 503")
        #expect(classify(200, #"{"ok":false,"error":"channel_not_found"}"#) == "final: channel_not_found")
        #expect(classify(200, "<html>not json</html>") == "final: Slack answered 200")
        #expect(classify(404, #"{"ok":false}"#) == "final: Slack answered 404")
    }
}
