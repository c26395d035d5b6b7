import AsyncHTTPClient
import Foundation
import Incidents
import NIOCore

/// PagerDuty's Events API v2: trigger on a critical incident, resolve on resolution, both
/// with the incident id as the `dedup_key`.
struct PagerDutyEvents: Sendable {
    let baseURL: String
    let routingKey: String
    let client: HTTPClient

    func send(_ effect: Effect, incident: Incident) async -> DeliveryOutcome {
        var event: [String: Any] = ["routing_key": routingKey, "dedup_key": incident.id]
        switch effect {
        case .pageTrigger:
            event["event_action"] = "trigger"
            let formatter = ISO8601DateFormatter()
            event["payload"] = [
                "summary": String("\(incident.id): \(incident.title)".prefix(1024)),
                "source": "runbook-bot",
                "severity": "critical",
                "timestamp": formatter.string(from: Date(timeIntervalSince1970: Double(incident.declaredAt.milliseconds) / 1000)),
                "component": incident.policy.system,
                "custom_details": ["failure_mode": incident.failureModeTitle ?? "", "slack_channel": incident.channel],
            ] as [String: Any]
        case .pageResolve:
            event["event_action"] = "resolve"
        default:
            return .failed(reason: "not a PagerDuty event")
        }
        guard let payload = try? JSONSerialization.data(withJSONObject: event) else { return .failed(reason: "could not encode the event") }
        var request = HTTPClientRequest(url: (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/v2/enqueue")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: payload))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 16)
            switch response.status.code {
            case 200...299: return .delivered(ts: nil)
            case 429, 500...599: return .retry(afterSeconds: nil, reason: "PagerDuty answered \(response.status.code)")
            default: return .failed(reason: "PagerDuty answered \(response.status.code): \(String(buffer: body).prefix(200))")
            }
        } catch {
            return .retry(afterSeconds: nil, reason: "PagerDuty unreachable: \(error)")
        }
    }
}

extension PagerDutyEvents: CustomStringConvertible {
    /// Never the token or key: service descriptions end up in start-up logs.
    var description: String { "PagerDutyEvents(\(baseURL), credentials redacted)" }
}
