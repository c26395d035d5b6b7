import Foundation

/// What a button on a checklist (or an incident card's **Start procedure**) asks for. Step
/// buttons name the step they were shown on, so a double click or a stale checklist acts once.
public enum RunButton: Equatable, Sendable {
    case act(runID: String, step: Int, RunAction)
    case start(incidentID: String, procedureID: String)

    public static let doneID = "run_done"
    public static let skipID = "run_skip"
    public static let chooseID = "run_choose"
    public static let escalateID = "run_escalate"
    public static let expectYesID = "run_expect_yes"
    public static let expectNoID = "run_expect_no"
    public static let startID = "run_start"
    /// The note field shown with a step's buttons: its text goes with Done or Skip.
    public static let noteID = "run_note"
    /// Longer notes are cut: a note is a line in the timeline, not a document.
    public static let noteLimit = 500

    /// The note field's id for one step of one run, so a note typed for a step that is no
    /// longer current is never taken for the next one.
    public static func noteFieldID(runID: String, step: Int) -> String { "\(noteID)@\(runID)@\(step)" }

    /// From a button's action id and value: `RUN-3@2`, `RUN-3@2#1` for a decision, `INC-1|procedure-id` to start.
    /// `fields` are the text fields sent with the click, by id: Done and Skip take the
    /// step's note from them.
    public init?(actionID: String, value: String, fields: [String: String] = [:]) {
        if actionID == Self.startID {
            let parts = value.split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2, let id = IncidentCommand.normalizedID(parts[0]), !parts[1].isEmpty, parts[1].count <= 200 else { return nil }
            self = .start(incidentID: id, procedureID: parts[1])
            return
        }
        let (head, decision) = value.split(separator: "#", maxSplits: 1).map(String.init).splitPair
        let parts = head.split(separator: "@").map(String.init)
        guard parts.count == 2, let number = ProcedureRun.number(from: parts[0]), let step = Int(parts[1]), (1...10_000).contains(step) else { return nil }
        let runID = ProcedureRun.id(number: number)
        let note = Self.note(fields[Self.noteFieldID(runID: runID, step: step)])
        let action: RunAction
        switch actionID {
        case Self.doneID: action = .done(note: note)
        case Self.skipID: action = .skip(note: note)
        case Self.escalateID: action = .escalate
        case Self.expectYesID: action = .expectationHeld
        case Self.expectNoID: action = .expectationFailed
        case Self.chooseID:
            guard let decision, let choice = Int(decision), (1...1000).contains(choice) else { return nil }
            action = .choose(choice)
        default: return nil
        }
        self = .act(runID: runID, step: step, action)
    }

    public static func isRunButton(_ actionID: String) -> Bool { actionID.hasPrefix("run_") }

    /// A typed note, trimmed, on one line, cut to `noteLimit`; nil when empty.
    static func note(_ text: String?) -> String? {
        guard let text else { return nil }
        let line = text.prefix(noteLimit * 2).split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty else { return nil }
        return line.count <= noteLimit ? line : String(line.prefix(noteLimit - 1)) + "…"
    }
}

private extension Array where Element == String {
    var splitPair: (String, String?) { (first ?? "", count > 1 ? self[1] : nil) }
}
