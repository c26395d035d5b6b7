import Foundation
import Hummingbird
import Incidents
import Logging
import RunbookModel
import Slack

/// Buttons (`block_actions`), posted by Slack as a signed form with one `payload` field.
/// Incident buttons run the same actions as the commands, with the same permissions; the
/// card is then updated in place through the outbox. Runs behind `SlackVerificationMiddleware`.
struct InteractionsController: Sendable {
    static let shareActionID = "runbook_share"

    let responder: RunbookResponder
    let desk: IncidentDesk
    /// Replies go to the click's `response_url`.
    let slack: SlackWebAPI
    /// A redelivered click carries the same `action_ts`: it is handled once.
    let handled: HandledOnce
    /// Checklist buttons and **Start procedure**; nil when the store keeps no runs.
    var runs: RunDesk?

    func addRoutes(to group: RouterGroup<BotRequestContext>) {
        group.post("interactions", use: handle)
    }

    @Sendable func handle(_ request: Request, context: BotRequestContext) async throws -> Response {
        guard let body = context.verifiedSlackBody,
              let fields = try? body.withUnsafeReadableBytes({ try FormBody.decode($0) }),
              let payload = fields["payload"],
              let interaction = try? JSONDecoder().decode(InteractionPayload.self, from: Data(payload.utf8))
        else {
            context.logger.notice("rejected Slack request", metadata: ["status": "400", "reason": "not an interaction payload"])
            return .jsonError(.badRequest, "not an interaction payload")
        }
        await handle(interaction, logger: context.logger)
        return Response(status: .ok)
    }

    /// Runs an interaction payload, however it arrived (HTTP or Socket Mode).
    func handle(_ interaction: InteractionPayload, logger: Logger) async {
        for click in interaction.clicks {
            guard await handled.firstTime("click:\(click.deduplicationKey)") else {
                logger.info("button already handled", metadata: ["action": "\(click.actionID)", "user": "\(click.user)"])
                continue
            }
            await run(click, logger: logger)
        }
    }

    private func run(_ click: InteractionPayload.Click, logger: Logger) async {
        if click.actionID == Self.shareActionID {
            var answer = responder.answer(RunbookCommand(text: click.value))
            answer.visibility = .channel
            let message = CardRenderer.message(for: answer.card(), responseType: .inChannel)
            if let url = click.responseURL { await respond(message, to: url, logger: logger) }
            logger.info("button handled", metadata: ["action": "share", "entry": "\(answer.entry?.description ?? "-")", "user": "\(click.user)"])
            return
        }
        if RunButton.isRunButton(click.actionID) {
            await runButton(click, logger: logger)
            return
        }
        guard let action = CardAction(actionID: click.actionID, value: click.value) else {
            logger.notice("unknown button", metadata: ["action_id": "\(click.actionID)"])
            return
        }
        let reply = await desk.handle(action, actor: click.user, channel: click.channel)
        logger.info("button handled", metadata: [
            "action": "\(click.actionID)", "incident": "\(reply.incidentID ?? click.value)", "done": "\(reply.succeeded)", "user": "\(click.user)",
        ])
        // The card updates itself through the outbox; only a refusal needs telling.
        if !reply.succeeded, let url = click.responseURL {
            await respond(CardRenderer.message(for: reply.card, responseType: .ephemeral), to: url, logger: logger)
        }
    }

    /// A checklist button: the checklist updates itself through the outbox; only a refusal needs telling.
    private func runButton(_ click: InteractionPayload.Click, logger: Logger) async {
        guard let runs, let button = RunButton(actionID: click.actionID, value: click.value, fields: click.fields) else {
            logger.notice("unknown button", metadata: ["action_id": "\(click.actionID)"])
            return
        }
        let reply = await runs.handle(button, actor: click.user, channel: click.channel)
        logger.info("button handled", metadata: ["action": "\(click.actionID)", "done": "\(reply.succeeded)", "user": "\(click.user)"])
        if !reply.succeeded, let url = click.responseURL {
            await respond(CardRenderer.message(for: reply.card, responseType: .ephemeral), to: url, logger: logger)
        }
    }

    private func respond(_ message: SlackMessage, to url: String, logger: Logger) async {
        var message = message
        message.replaceOriginal = false
        if let problem = await slack.respond(message, to: url) {
            logger.warning("could not answer the click", metadata: ["reason": "\(problem)"])
        }
    }
}
