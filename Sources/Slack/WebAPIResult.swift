import Foundation

/// What Slack's Web API answered, sorted by what the caller should do about it.
public enum WebAPIResult<Body: Sendable>: Sendable {
    case ok(Body)
    /// Rate limited (HTTP 429 or `ok:false ratelimited`): wait `retryAfter` when Slack gave
    /// a usable one, else back off.
    case rateLimited(retryAfter: Duration?)
    /// Worth trying again later: a 5xx, or Slack could not be reached.
    case retryable(String)
    /// Will not succeed by retrying (`channel_not_found`, `invalid_auth`, a 4xx).
    case final(String)
}

/// The envelope every Web API answer shares: `ok`, and `error` when it is false.
struct WebAPIEnvelope: Decodable {
    var ok: Bool
    var error: String?
}

/// Public so that the fuzzer can hand it answers without a server in between.
public enum WebAPIClassifier {
    public static func classify<Body: Decodable & Sendable>(
        _ type: Body.Type, status: UInt, retryAfter: String?, body: Data
    ) -> WebAPIResult<Body> {
        if status == 429 { return .rateLimited(retryAfter: RetryAfter.parse(retryAfter)) }
        if status >= 500 { return .retryable("Slack answered \(status)") }
        guard status == 200, let envelope = try? JSONDecoder().decode(WebAPIEnvelope.self, from: body) else {
            return .final("Slack answered \(status)")
        }
        guard envelope.ok else {
            let error = envelope.error ?? "unknown_error"
            return error == "ratelimited" ? .rateLimited(retryAfter: RetryAfter.parse(retryAfter)) : .final(error)
        }
        guard let decoded = try? JSONDecoder().decode(Body.self, from: body) else {
            return .final("Slack's answer could not be read")
        }
        return .ok(decoded)
    }
}
