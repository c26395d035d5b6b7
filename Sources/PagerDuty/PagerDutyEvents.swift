import AsyncHTTPClient
import Foundation
import Incidents
import NIOCore

/// PagerDuty's Events API v2: trigger on a critical incident, resolve on resolution, both
/// with the incident's `dedupKey` (the installation's id and the incident id). The routing key is sent in the body only and
/// never logged or described.
public struct PagerDutyEvents: Sendable {
    /// PagerDuty's public Events API address; the one place it is written.
    public static let defaultBaseURL = "https://events.pagerduty.com"

    let baseURL: String
    let routingKey: String
    let client: HTTPClient

    public init(baseURL: String = PagerDutyEvents.defaultBaseURL, routingKey: String, client: HTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.routingKey = routingKey
        self.client = client
    }

    /// An event as the API takes it.
    struct Event: Encodable {
        struct Payload: Encodable {
            var summary: String
            var source = "runbook-bot"
            var severity = "critical"
            var timestamp: String
            var component: String
            var customDetails: [String: String]

            enum CodingKeys: String, CodingKey {
                case summary, source, severity, timestamp, component
                case customDetails = "custom_details"
            }
        }

        var routingKey: String
        var dedupKey: String
        var eventAction: String
        var payload: Payload?

        enum CodingKeys: String, CodingKey {
            case payload
            case routingKey = "routing_key"
            case dedupKey = "dedup_key"
            case eventAction = "event_action"
        }
    }

    func event(for effect: Effect, incident: Incident) -> Event? {
        switch effect {
        case .pageTrigger:
            let declared = Date(timeIntervalSince1970: Double(incident.declaredAt.milliseconds) / 1000)
            let payload = Event.Payload(
                summary: String("\(incident.id): \(incident.title)".prefix(1024)),
                timestamp: declared.formatted(.iso8601),
                component: incident.policy.system,
                customDetails: ["failure_mode": incident.failureModeTitle ?? "", "slack_channel": incident.channel]
            )
            return Event(routingKey: routingKey, dedupKey: incident.dedupKey, eventAction: "trigger", payload: payload)
        case .pageResolve:
            return Event(routingKey: routingKey, dedupKey: incident.dedupKey, eventAction: "resolve")
        default:
            return nil
        }
    }

    public func send(_ effect: Effect, incident: Incident) async -> DeliveryOutcome {
        guard let event = event(for: effect, incident: incident) else { return .failed(reason: "not a PagerDuty event") }
        guard let body = try? JSONEncoder().encode(event) else { return .failed(reason: "could not encode the event") }
        var request = HTTPClientRequest(url: baseURL + "/v2/enqueue")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            let answer = try await response.body.collect(upTo: 1 << 16)
            return Self.classify(status: response.status.code, body: String(buffer: answer), routingKey: routingKey)
        } catch {
            return .retry(after: nil, reason: "PagerDuty unreachable: \(error)")
        }
    }

    /// 2xx is accepted; 429 and 5xx are worth retrying. 401, 403 and 404 say the routing
    /// key or the URL is wrong: a person must fix it, and the page must not be lost
    /// meanwhile. Any other answer (a 400 for a malformed event) will not succeed by sending
    /// the same event again. PagerDuty's text is quoted without the routing key.
    public static func classify(status: UInt, body: String, routingKey: String) -> DeliveryOutcome {
        let said = body.prefix(200).replacingOccurrences(of: routingKey, with: "[routing key]")
        return switch status {
        case 200...299: .delivered(messageID: nil)
        case 429, 500...599: .retry(after: nil, reason: "PagerDuty answered \(status)")
        case 401, 403, 404:
            .misconfigured(reason: "PagerDuty refused the page (HTTP \(status)): check PAGERDUTY_ROUTING_KEY and PAGERDUTY_EVENTS_URL")
        default: .failed(reason: "PagerDuty answered \(status): \(said)")
        }
    }
}

extension PagerDutyEvents: CustomStringConvertible {
    public var description: String { "PagerDutyEvents(\(baseURL))" }
}
