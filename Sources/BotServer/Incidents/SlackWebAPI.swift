import AsyncHTTPClient
import Foundation
import Incidents
import NIOCore
import NIOHTTP1
import Slack

/// Slack's Web API (`chat.postMessage`, `chat.update`) over HTTPS, with the error
/// classification the outbox needs: rate limits and 5xx are retried, `ok:false` is final.
struct SlackWebAPI: Sendable {
    let baseURL: String
    let token: String
    let client: HTTPClient

    init(baseURL: String, token: String, client: HTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.token = token
        self.client = client
    }

    func send(_ post: IncidentMessages.Post) async -> DeliveryOutcome {
        guard let payload = try? JSONEncoder().encode(post) else {
            return .failed(reason: "could not encode the message")
        }
        var request = HTTPClientRequest(url: baseURL + post.method.rawValue)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.body = .bytes(ByteBuffer(bytes: payload))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            let data = try await response.body.collect(upTo: 1 << 20)
            return Self.classify(status: response.status.code, retryAfter: response.headers.first(name: "Retry-After"), body: data)
        } catch {
            return .retry(afterSeconds: nil, reason: "Slack unreachable: \(error)")
        }
    }

    static func classify(status: UInt, retryAfter: String?, body: ByteBuffer) -> DeliveryOutcome {
        if status == 429 {
            return .retry(afterSeconds: retryAfter.flatMap(Double.init) ?? 30, reason: "rate limited by Slack")
        }
        if status >= 500 { return .retry(afterSeconds: nil, reason: "Slack answered \(status)") }
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any]
        guard status == 200, let json else { return .failed(reason: "Slack answered \(status)") }
        if json["ok"] as? Bool == true { return .delivered(ts: json["ts"] as? String) }
        let error = json["error"] as? String ?? "unknown_error"
        if error == "ratelimited" { return .retry(afterSeconds: retryAfter.flatMap(Double.init) ?? 30, reason: "rate limited by Slack") }
        return .failed(reason: error)
    }
}

extension SlackWebAPI: CustomStringConvertible {
    /// Never the token or key: service descriptions end up in start-up logs.
    var description: String { "SlackWebAPI(\(baseURL), credentials redacted)" }
}
