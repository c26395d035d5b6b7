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
    let handled: HandledOnce

    enum Frame: Equatable {
        case hello
        case disconnect(reason: String)
        /// Send this acknowledgement back.
        case acknowledge(String)
        case ignore
    }

    func handle(_ text: String, logger: Logger) async -> Frame {
        guard let envelope = SocketModeEnvelope.decode(text) else {
            logger.warning("Socket Mode: unreadable frame")
            return .ignore
        }
        switch envelope.type {
        case "hello": return .hello
        case "disconnect": return .disconnect(reason: envelope.reason ?? "unknown")
        default: break
        }
        guard let envelopeID = envelope.envelopeID else { return .ignore }
        guard await handled.firstTime("envelope:\(envelopeID)") else {
            logger.info("Socket Mode: envelope redelivered, acknowledged again", metadata: ["envelope_id": "\(envelopeID)"])
            return .acknowledge(SocketModeEnvelope.acknowledgement(envelopeID, payload: nil))
        }
        var reply: ByteBuffer?
        switch envelope.payload {
        case .slashCommand(let command):
            reply = await commands.reply(to: command, logger: logger)
        case .interaction(let interaction):
            await interactions.handle(interaction, logger: logger)
        case .event(let callback):
            await events.handle(callback: callback, retry: envelope.retryAttempt.map(String.init), logger: logger)
        case .other:
            logger.info("Socket Mode: envelope type not handled", metadata: ["type": "\(envelope.type)"])
        }
        let payload = envelope.acceptsResponsePayload ? reply.map { Array($0.readableBytesView) } : nil
        return .acknowledge(SocketModeEnvelope.acknowledgement(envelopeID, payload: payload))
    }
}
