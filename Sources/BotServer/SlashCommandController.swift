import Foundation
import Hummingbird
import Incidents
import Logging
import RunbookModel
import Slack

/// Answers Slack slash commands. Runs behind `SlackVerificationMiddleware`, so the body it
/// reads has been verified.
struct SlashCommandController: Sendable {
    let responder: RunbookResponder
    let runbookCommands: Set<String>
    let incidentCommands: Set<String>
    let desk: IncidentDesk
    /// A replayed `/incident` request carries the same signature: it changes nothing twice,
    /// even after a restart.
    let handled: HandledOnce
    let search: SearchExecutor
    var metrics: BotMetrics?
    /// Procedure runs and drills; nil when the store keeps no runs.
    var runs: RunDesk?
    let replies = ReplyCache<RunbookResponder.Identity>()
    /// The slash commands that answer who is on call, and the desk that answers them.
    var onCallCommands: Set<String> = ["/oncall"]
    var onCall: OnCallDesk?

    func addRoutes(to group: RouterGroup<BotRequestContext>) {
        group.post("commands", use: handle)
    }

    @Sendable func handle(_ request: Request, context: BotRequestContext) async throws -> Response {
        guard let body = context.verifiedSlackBody else {
            // Only reachable if the route is wired without the middleware: refuse loudly.
            context.logger.error("slash command route reached without signature verification")
            return .jsonError(.internalServerError, "not verified")
        }
        let fields: [String: String]
        do {
            fields = try body.withUnsafeReadableBytes { bytes in try FormBody.decode(bytes) }
        } catch {
            return badRequest("malformed form body: \(error)", context)
        }
        if fields["ssl_check"] == "1" {
            return Response(status: .ok)
        }
        let payload: SlashCommandPayload
        do {
            payload = try SlashCommandPayload(fields: fields)
        } catch {
            return badRequest("not a slash command: \(error)", context)
        }

        let reply = await reply(to: payload, replayKey: context.verifiedSignature, logger: context.logger)
        return .json(reply)
    }

    /// The JSON reply to a slash command, however it arrived (HTTP or Socket Mode).
    /// `replayKey` identifies the signed request; Socket Mode envelopes are de-duplicated
    /// by their id instead.
    func reply(to payload: SlashCommandPayload, replayKey: String? = nil, logger: Logger) async -> ByteBuffer {
        await search.run(for: payload.text) { await answer(payload, replayKey: replayKey, logger: logger) }
    }

    private func answer(_ payload: SlashCommandPayload, replayKey: String?, logger: Logger) async -> ByteBuffer {
        let reply: ByteBuffer
        var entry = "-"
        var found = "unknown_command"
        var verb = "unknown"
        // Parsed once: most /runbook texts are lookups.
        let runbookCommand = runbookCommands.contains(payload.command) ? RunbookCommand(text: payload.text) : nil
        let runCommand = if case .procedureRun? = runbookCommand { RunCommand(text: payload.text) } else { RunCommand?.none }
        // The optional desks are bound only on their own verbs: binding copies every
        // reference they hold, a cost a plain lookup should not pay.
        if let command = runCommand, let runs {
            verb = "run"
            let answered = await runReply(runs, command, payload, replayKey: replayKey)
            reply = answered.0
            found = answered.1
        } else if runCommand != nil {
            // Said plainly rather than searched for as a lookup of "run …".
            verb = "run"
            found = "refused"
            let card = Card(title: "Procedure runs and drills are not available here: this bot's store does not keep them.")
            reply = Self.encode(CardRenderer.message(for: card, responseType: .ephemeral))
        } else if runbookCommand == .list, let runs {
            verb = "list"
            reply = await listWithDrillWarnings(runs, logger: logger)
            found = "found"
        } else if let runbookCommand {
            verb = "lookup"
            let started = ContinuousClock.now
            let answer = responder.answer(runbookCommand)
            metrics?.lookup(took: ContinuousClock.now - started)
            reply = replies.reply(for: answer.identity) {
                let responseType: SlackMessage.ResponseType = answer.visibility == .channel ? .inChannel : .ephemeral
                var card = answer.card()
                card.buttons += shareButton(answer)
                return Self.encode(CardRenderer.message(for: card, responseType: responseType, source: sourceHint(answer)))
            }
            entry = answer.entry?.description ?? "-"
            found = answer.found ? "found" : "not_found"
        } else if incidentCommands.contains(payload.command) {
            let command = IncidentCommand(text: payload.text)
            verb = "\(command.verb)"
            if let replayKey, !(await handled.firstTime("signature:\(replayKey)")) {
                let card = Card(title: "This /incident request was already handled; nothing changed.")
                reply = Self.encode(CardRenderer.message(for: card, responseType: .ephemeral))
                found = "repeated"
            } else {
                let result = await desk.handle(command, actor: payload.userID, channel: payload.channelID ?? "")
                reply = Self.encode(CardRenderer.message(for: result.card, responseType: .ephemeral))
                entry = result.incidentID ?? "-"
                found = result.succeeded ? "done" : "refused"
            }
        } else if onCallCommands.contains(payload.command), let onCall {
            let command = OnCallCommand(text: payload.text)
            verb = "oncall"
            if command.changesSomething, let replayKey, !(await handled.firstTime("signature:\(replayKey)")) {
                let card = Card(title: "This /oncall request was already handled; nothing changed.")
                reply = Self.encode(CardRenderer.message(for: card, responseType: .ephemeral))
                found = "repeated"
            } else {
                let result = await onCall.handle(command, actor: payload.userID, channel: payload.channelID ?? "")
                reply = Self.encode(CardRenderer.message(for: result.card, responseType: result.inChannel ? .inChannel : .ephemeral))
                found = result.refused ? "refused" : "done"
            }
        } else {
            let card = RunbookResponder.helpCard(unknownCommand: payload.command)
            reply = Self.encode(CardRenderer.message(for: card, responseType: .ephemeral))
        }
        metrics?.command(verb: verb, outcome: found)
        logger.info("slash command handled", metadata: [
            "command": .string(payload.command), "user": .string(payload.userID), "channel": .string(payload.channelID ?? "-"),
            "entry": .string(entry), "found": .string(found),
        ])
        return reply
    }

    /// A private answer about an entry can be shared with the channel in one click.
    private func shareButton(_ answer: RunbookResponder.Answer) -> [Card.Button] {
        guard answer.found, answer.visibility == .onlyRequester, let entry = answer.entry else { return [] }
        return [Card.Button("Share in channel", action: InteractionsController.shareActionID, value: responder.directCommand(for: entry))]
    }

    static func encode(_ message: SlackMessage) -> ByteBuffer {
        ByteBuffer(bytes: (try? JSONEncoder().encode(message)) ?? Data(#"{"text":"could not render the reply"}"#.utf8))
    }

    private func sourceHint(_ answer: RunbookResponder.Answer) -> String? {
        guard let entry = answer.entry, let runbook = responder.library.runbook(entry.system) else { return nil }
        return runbook.sourceFile
    }

    private func badRequest(_ reason: String, _ context: BotRequestContext) -> Response {
        context.logger.notice("rejected Slack request", metadata: ["status": "400", "reason": "\(reason)"])
        return .jsonError(.badRequest, reason)
    }
}
