import Hummingbird
import Incidents
import Logging
import RunbookModel
import Slack

/// `/runbook run|step|drill|drills`, and `/runbook list` with the drill record's warnings.
extension SlashCommandController {
    /// A run command changes state: a replayed request (same signature) changes nothing twice.
    func runReply(_ runs: RunDesk, _ command: RunCommand, _ payload: SlashCommandPayload, replayKey: String?) async -> (ByteBuffer, String) {
        if let replayKey, !(await handled.firstTime("signature:\(replayKey)")) {
            let card = Card(title: "This /runbook request was already handled; nothing changed.")
            return (Self.encode(CardRenderer.message(for: card, responseType: .ephemeral)), "repeated")
        }
        let result = await runs.handle(command, actor: payload.userID, channel: payload.channelID ?? "")
        return (Self.encode(CardRenderer.message(for: result.card, responseType: .ephemeral)), result.succeeded ? "done" : "refused")
    }

    /// The list of everything, and below it what the drill record says is missing.
    func listWithDrillWarnings(_ runs: RunDesk, logger: Logger) async -> ByteBuffer {
        var card = responder.answer(.list).card()
        do {
            let warnings = try await runs.drillWarnings()
            if !warnings.isEmpty {
                card.sections.append(Card.Section("Drill warnings", warnings.map { .bullet(Card.Text($0)) }))
            }
        } catch {
            logger.error("drill record unreadable", metadata: ["error": "\(error)"])
        }
        return Self.encode(CardRenderer.message(for: card, responseType: .ephemeral))
    }
}
