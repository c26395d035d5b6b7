import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RunbookModel
import Slack

/// Slack's Events API: answers `url_verification`, and answers `app_mention` events as
/// runbook queries in the mention's thread. Runs behind `SlackVerificationMiddleware`.
/// Slack retries an event it thinks was not acknowledged; each `event_id` is handled once.
struct SlackEventsController: Sendable {
    let responder: RunbookResponder
    let poster: LiveTransport
    let handled: HandledOnce
    let search: SearchExecutor

    func addRoutes(to group: RouterGroup<BotRequestContext>) {
        group.post("events", use: handle)
    }

    @Sendable func handle(_ request: Request, context: BotRequestContext) async throws -> Response {
        guard let body = context.verifiedSlackBody,
              let payload = try? JSONDecoder().decode(EventsAPIRequest.self, from: Data(body.readableBytesView))
        else {
            context.logger.notice("rejected Slack request", metadata: ["status": "400", "reason": "not an Events API payload"])
            return .jsonError(.badRequest, "not an Events API payload")
        }
        switch payload.type {
        case "url_verification":
            guard let challenge = payload.challenge else { return .jsonError(.badRequest, "missing challenge") }
            let data = try JSONEncoder().encode(EventsAPIChallengeReply(challenge: challenge))
            return .json(ByteBuffer(bytes: data))
        case "event_callback":
            guard payload.eventID != nil, payload.event != nil else { return .jsonError(.badRequest, "missing event_id or event") }
            await handle(callback: payload, retry: request.headers[HTTPField.Name("X-Slack-Retry-Num")!], logger: context.logger)
            return Response(status: .ok)
        default:
            return Response(status: .ok)
        }
    }

    /// Handles an `event_callback`, however it arrived (HTTP or Socket Mode); each
    /// `event_id` once.
    func handle(callback: EventsAPIRequest, retry: String?, logger: Logger) async {
        guard let eventID = callback.eventID, let event = callback.event else { return }
        guard await handled.firstTime("event:\(eventID)") else {
            logger.info("Slack event already handled", metadata: ["event_id": "\(eventID)", "retry": "\(retry ?? "-")"])
            return
        }
        if event.type == "app_mention" {
            await search.run(for: event.text ?? "") { answerMention(event, logger: logger) }
        }
    }

    /// Acknowledge first (Slack wants an answer within 3 s), then post the answer.
    private func answerMention(_ event: EventsAPIRequest.Event, logger: Logger) {
        guard let channel = event.channel, let ts = event.ts else { return }
        let text = SlackMarkup.withoutMentions(event.text ?? "")
        let answer = responder.answer(text.isEmpty ? .help : .lookup(query: text, share: false))
        let message = CardRenderer.message(for: answer.card(), responseType: nil)
        let post = SlackPost(method: .postMessage, channel: channel, text: message.text, blocks: message.blocks, threadTS: event.threadTS ?? ts)
        let poster = poster
        Task {
            let outcome = await poster.post(post)
            logger.info("answered mention", metadata: [
                "channel": "\(channel)", "entry": "\(answer.entry?.description ?? "-")", "outcome": "\(outcome)",
            ])
        }
    }
}
