import Foundation

/// A frame Slack sends over a Socket Mode websocket.
public struct SocketModeEnvelope: Decodable, Sendable {
    public enum Payload: Sendable {
        case slashCommand(SlashCommandPayload)
        case interaction(InteractionPayload)
        case event(EventsAPIRequest)
        /// A type the bot does not handle, or a payload it could not read.
        case other
    }

    public var type: String
    public var envelopeID: String?
    /// For `disconnect`: why Slack wants the bot to reconnect.
    public var reason: String?
    public var acceptsResponsePayload: Bool
    public var retryAttempt: Int?
    public var payload: Payload

    /// The largest message the bot reads from the Socket Mode websocket. Slack's largest
    /// envelopes, a block action carrying a full 50-block message and its view state, stay
    /// well under it; decoding a message costs time in proportion to its size, so a larger
    /// limit only lets a hostile or broken peer buy more of the bot's time per message.
    public static let maximumMessageSize = 512 * 1024

    enum CodingKeys: String, CodingKey {
        case type, reason, payload
        case envelopeID = "envelope_id"
        case acceptsResponsePayload = "accepts_response_payload"
        case retryAttempt = "retry_attempt"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        envelopeID = try container.decodeIfPresent(String.self, forKey: .envelopeID)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        acceptsResponsePayload = try container.decodeIfPresent(Bool.self, forKey: .acceptsResponsePayload) ?? false
        retryAttempt = try? container.decodeIfPresent(Int.self, forKey: .retryAttempt)
        // An unreadable payload still leaves an envelope that must be acknowledged.
        switch type {
        case "slash_commands":
            payload = (try? container.decode(SlashCommandPayload.self, forKey: .payload)).map(Payload.slashCommand) ?? .other
        case "interactive":
            payload = (try? container.decode(InteractionPayload.self, forKey: .payload)).map(Payload.interaction) ?? .other
        case "events_api":
            payload = (try? container.decode(EventsAPIRequest.self, forKey: .payload)).map(Payload.event) ?? .other
        default:
            payload = .other
        }
    }

    public static func decode(_ text: String) -> SocketModeEnvelope? {
        try? JSONDecoder().decode(SocketModeEnvelope.self, from: Data(text.utf8))
    }

    /// `{"envelope_id":"…"}`, with the reply as `payload` when there is one. The reply is
    /// already JSON (slash-command replies are rendered once and cached), so it is placed
    /// as it is rather than decoded and encoded again.
    public static func acknowledgement(_ envelopeID: String, payload: [UInt8]?) -> String {
        let id = (try? JSONEncoder().encode(envelopeID)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        guard let payload else { return "{\"envelope_id\":\(id)}" }
        return "{\"envelope_id\":\(id),\"payload\":\(String(decoding: payload, as: UTF8.self))}"
    }
}
