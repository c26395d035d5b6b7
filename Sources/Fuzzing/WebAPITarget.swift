import Foundation
import Slack

extension FuzzTarget {
    /// An answer from Slack's Web API: status, `Retry-After` and body, sorted by
    /// `WebAPIClassifier` into what the bot does next.
    public static let webAPI = FuzzTarget(name: "web-api") { random in
        var log: [String] = []
        let status: UInt = random.chance(1, in: 2) ? 200 : random.pick([429, 429, 500, 503, 404, 400, 301, 0, 1, 199, 299, 600, 999, UInt.max])
        let retryAfter = Self.retryAfterHeader(&random, log: &log)
        let body = Documents.json(SlackSamples.webAPIAnswers, limit: FuzzLimits.webAPIAnswer, &random, log: &log)
        let expecting = random.below(3)
        log.insert("\(status)", at: 0)
        return FuzzCase(made: log, input: body) {
            let data = Data(body)
            switch expecting {
            case 0: return Self.checkWebAPI(status, retryAfter, WebAPIClassifier.classify(SlackWebAPI.PostedMessage.self, status: status, retryAfter: retryAfter, body: data))
            case 1: return Self.checkWebAPI(status, retryAfter, WebAPIClassifier.classify(SlackWebAPI.UserGroupMembers.self, status: status, retryAfter: retryAfter, body: data))
            default: return Self.checkWebAPI(status, retryAfter, WebAPIClassifier.classify(SlackWebAPI.SocketModeURL.self, status: status, retryAfter: retryAfter, body: data))
            }
        }
    }

    /// The status decides before the body does: 429 waits, 5xx retries, other non-200s
    /// are final. A wait, when given, is a usable one.
    static func checkWebAPI<Body>(_ status: UInt, _ retryAfter: String?, _ result: WebAPIResult<Body>) -> FuzzOutcome {
        switch (status, result) {
        case (429, .rateLimited(let wait)), (200, .rateLimited(let wait)):
            if case .violated(let message) = checkRetryAfter(retryAfter, wait) { return .violated(message) }
            return .rejected
        case (429, _):
            return .violated("429 was not treated as a rate limit")
        case (500..., .retryable):
            return .rejected
        case (500..., _):
            return .violated("\(status) was not treated as retryable")
        case (200, .ok):
            return .accepted
        case (200, .final):
            return .rejected
        case (_, .final):
            return .rejected
        default:
            return .violated("\(status) was answered with \(result)")
        }
    }
}
