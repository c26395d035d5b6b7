import Incidents
import RunbookModel

/// How a run delivery becomes a Slack call. An incident run's checklist is a reply in the
/// incident's thread; a drill's is a message in the channel, and its thread holds the rest.
/// The checklist is posted once and then replaced in place with `chat.update`.
public enum SlackRunPosts {
    public enum Problem: Error, Equatable, CustomStringConvertible {
        /// The incident card (or the drill's checklist) is not posted yet: no thread to use.
        case noThreadYet
        /// The checklist is not posted yet, so there is nothing to update.
        case checklistNotPosted

        public var description: String {
            switch self {
            case .noThreadYet: "the thread to post in does not exist yet"
            case .checklistNotPosted: "the checklist was not posted yet"
            }
        }
    }

    /// `incidentThreadTS` is the incident card's message id, for an incident run.
    public static func post(
        for delivery: RunDelivery, run: ProcedureRun, incidentThreadTS: String?, now: Timestamp, times: TimeFormatter
    ) throws(Problem) -> SlackPost? {
        guard let notice = RunMessages.notice(for: delivery, run: run, now: now, times: times) else { return nil }
        let (text, blocks): (String, [Block]?) = switch notice {
        case .card(let card): (CardRenderer.fallbackText(for: card), CardRenderer.blocks(for: card))
        case .text(let text): (SlackMarkup.render(text), nil)
        }
        let thread = run.kind == .incident ? incidentThreadTS : run.checklistTS
        switch delivery {
        case .postChecklist:
            if run.kind == .incident, thread == nil { throw .noThreadYet }
            return SlackPost(method: .postMessage, channel: run.channel, text: text, blocks: blocks, threadTS: run.kind == .incident ? thread : nil)
        case .updateChecklist:
            guard let ts = run.checklistTS else { throw .checklistNotPosted }
            return SlackPost(method: .update, channel: run.channel, text: text, blocks: blocks, ts: ts)
        case .ping, .askExpectation, .summary:
            guard let thread else { throw .noThreadYet }
            // The summary ends the run: shown in the channel too.
            return SlackPost(method: .postMessage, channel: run.channel, text: text, blocks: blocks, threadTS: thread, broadcast: delivery == .summary)
        }
    }
}
