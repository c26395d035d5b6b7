import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RunbookModel
import Slack
import Synchronization

/// Slack's Events API: answers `url_verification`, and answers `app_mention` events as
/// runbook queries in the mention's thread. Runs behind `SlackVerificationMiddleware`.
/// Slack retries an event it thinks was not acknowledged; each `event_id` is handled once.
struct SlackEventsController: Sendable {
    let responder: RunbookResponder
    let poster: LiveTransport?
    let seen = SeenEvents(capacity: 10_000)

    func addRoutes(to group: RouterGroup<BotRequestContext>) {
        group.post("events", use: handle)
    }

    @Sendable func handle(_ request: Request, context: BotRequestContext) async throws -> Response {
        guard let body = context.verifiedSlackBody,
              let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
              let type = json["type"] as? String
        else {
            context.logger.notice("rejected Slack request", metadata: ["status": "400", "reason": "not an Events API payload"])
            return .jsonError(.badRequest, "not an Events API payload")
        }
        switch type {
        case "url_verification":
            guard let challenge = json["challenge"] as? String else { return .jsonError(.badRequest, "missing challenge") }
            let data = try JSONSerialization.data(withJSONObject: ["challenge": challenge])
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        case "event_callback":
            guard json["event_id"] is String, json["event"] is [String: Any] else {
                return .jsonError(.badRequest, "missing event_id or event")
            }
            handle(callback: json, retry: request.headers[HTTPField.Name("X-Slack-Retry-Num")!], logger: context.logger)
            return Response(status: .ok)
        default:
            return Response(status: .ok)
        }
    }

    /// Handles an `event_callback`, however it arrived (HTTP or Socket Mode); each
    /// `event_id` once.
    func handle(callback json: [String: Any], retry: String?, logger: Logger) {
        guard let eventID = json["event_id"] as? String, let event = json["event"] as? [String: Any] else { return }
        guard seen.firstTime(eventID) else {
            logger.info("Slack event already handled", metadata: ["event_id": "\(eventID)", "retry": "\(retry ?? "-")"])
            return
        }
        if event["type"] as? String == "app_mention" {
            answerMention(event, logger: logger)
        }
    }

    /// Acknowledge first (Slack wants an answer within 3 s), then post the answer.
    private func answerMention(_ event: [String: Any], logger: Logger) {
        guard let channel = event["channel"] as? String, let ts = event["ts"] as? String else { return }
        let text = Self.withoutMentions(event["text"] as? String ?? "")
        let thread = event["thread_ts"] as? String ?? ts
        let answer = responder.answer(text.isEmpty ? .help : .lookup(query: text, share: false))
        let message = CardRenderer.message(for: answer.card(), responseType: nil)
        let post = IncidentMessages.Post(
            method: .postMessage, channel: channel, text: message.text, blocks: message.blocks, threadTS: thread, broadcast: false
        )
        guard let poster else { return }
        Task {
            let outcome = await poster.post(post)
            logger.info("answered mention", metadata: [
                "channel": "\(channel)", "entry": "\(answer.entry?.description ?? "-")", "outcome": "\(outcome)",
            ])
        }
    }

    /// "<@U0BOT> ConditionalCheckFailedException" → "ConditionalCheckFailedException".
    static func withoutMentions(_ text: String) -> String {
        var result = ""
        var rest = text[...]
        while let open = rest.firstIndex(of: "<") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else {
                rest = rest[open...]
                break
            }
            let inner = rest[rest.index(after: open)..<close]
            if !inner.hasPrefix("@") { result += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Ids already handled (events, clicks, envelopes), the oldest forgotten first once
/// `capacity` is reached.
final class SeenEvents: Sendable {
    private struct Window {
        var ids: Set<String> = []
        /// Insertion order, used as a ring: `next` is where the oldest id sits once full.
        var order: [String] = []
        var next = 0
    }

    private let state = Mutex(Window())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// True the first time an id is seen.
    func firstTime(_ id: String) -> Bool {
        state.withLock { window in
            guard window.ids.insert(id).inserted else { return false }
            if window.order.count < capacity {
                window.order.append(id)
            } else {
                window.ids.remove(window.order[window.next])
                window.order[window.next] = id
                window.next = (window.next + 1) % capacity
            }
            return true
        }
    }
}
