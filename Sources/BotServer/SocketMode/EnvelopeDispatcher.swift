import Foundation
import Logging
import NIOCore
import Slack

/// Turns Socket Mode envelopes into the same handler calls as the HTTP endpoints, and
/// builds the acknowledgement (with the reply as `payload` where Slack accepts one).
struct EnvelopeDispatcher: Sendable {
    let commands: SlashCommandController
    let interactions: InteractionsController
    let events: SlackEventsController
    /// Slack redelivers an envelope it has no acknowledgement for; each is handled once.
    let seen = SeenEvents(capacity: 10_000)

    enum Frame: Equatable {
        case hello
        case disconnect(reason: String)
        /// Send this acknowledgement back.
        case acknowledge(String)
        case ignore
    }

    func handle(_ text: String, logger: Logger) async -> Frame {
        guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let type = json["type"] as? String
        else {
            logger.warning("Socket Mode: unreadable frame")
            return .ignore
        }
        switch type {
        case "hello": return .hello
        case "disconnect": return .disconnect(reason: json["reason"] as? String ?? "unknown")
        default: break
        }
        guard let envelopeID = json["envelope_id"] as? String else { return .ignore }
        guard seen.firstTime(envelopeID) else {
            logger.info("Socket Mode: envelope redelivered, acknowledged again", metadata: ["envelope_id": "\(envelopeID)"])
            return .acknowledge(Self.acknowledgement(envelopeID, payload: nil))
        }
        let payload = json["payload"] as? [String: Any] ?? [:]
        var reply: ByteBuffer?
        switch type {
        case "slash_commands":
            let fields = payload.compactMapValues { value -> String? in
                switch value {
                case let string as String: string
                case let number as NSNumber: number.stringValue
                default: nil
                }
            }
            if let command = try? SlashCommandPayload(fields: fields) {
                reply = await commands.reply(to: command, logger: logger)
            }
        case "interactive":
            await interactions.handle(interaction: payload, logger: logger)
        case "events_api":
            events.handle(callback: payload, retry: (json["retry_attempt"] as? NSNumber)?.stringValue, logger: logger)
        default:
            logger.info("Socket Mode: envelope type not handled", metadata: ["type": "\(type)"])
        }
        let acceptsPayload = json["accepts_response_payload"] as? Bool ?? false
        return .acknowledge(Self.acknowledgement(envelopeID, payload: acceptsPayload ? reply : nil))
    }

    /// `{"envelope_id":"…"}`, or `{"envelope_id":"…","payload":{…}}`.
    static func acknowledgement(_ envelopeID: String, payload: ByteBuffer?) -> String {
        var frame: [String: Any] = ["envelope_id": envelopeID]
        if let payload, let reply = try? JSONSerialization.jsonObject(with: Data(buffer: payload)) {
            frame["payload"] = reply
        }
        let data = (try? JSONSerialization.data(withJSONObject: frame)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
