/// What someone asked of runs and drills with `/runbook run|step|drill|drills`, parsed in one place.
public enum RunCommand: Equatable, Sendable {
    public enum StepVerb: Equatable, Sendable {
        case done(note: String?)
        case skip(note: String?)
        case choose(Int)
        case escalate
        case show
    }

    /// Start a procedure in an incident's thread (the channel's only open incident when no id is given).
    case start(query: String, incidentID: String?)
    /// Act on a run: the channel's only active one, or the one named.
    case step(StepVerb, runID: String?)
    case drill(query: String)
    case drills
    /// The text was a run command but could not be read: why, and the right form.
    case usage(problem: String)

    /// The words that make a `/runbook` text a run command.
    public static let verbs: Set<String> = ["run", "step", "drill", "drills"]

    /// Nil when the text is not a run command (an ordinary lookup).
    public init?(text: String) {
        // Most texts are lookups: the first word decides before the rest is split.
        let first = text.drop { $0 == " " || $0 == "\t" || $0 == "\n" }.prefix { $0 != " " && $0 != "\t" && $0 != "\n" }
        let verb = first.count <= 6 ? first.lowercased() : ""
        guard Self.verbs.contains(verb) else { return nil }
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        words.removeFirst()
        switch verb {
        case "run":
            let incident = words.lazy.compactMap(IncidentCommand.normalizedIncidentID).first
            let query = words.filter { IncidentCommand.normalizedIncidentID($0) == nil }.joined(separator: " ")
            self = query.isEmpty ? .usage(problem: "say which procedure: \(Self.forms["run"]!)") : .start(query: query, incidentID: incident)
        case "drill":
            let query = words.joined(separator: " ")
            self = query.isEmpty ? .usage(problem: "say what to rehearse: \(Self.forms["drill"]!)") : .drill(query: query)
        case "drills":
            self = .drills
        default:
            // "step [RUN-n] <verb> …" or "step <verb> [RUN-n] …".
            var runID: String?
            if let index = words.prefix(2).firstIndex(where: { $0.uppercased().hasPrefix("RUN-") }),
               let number = ProcedureRun.number(from: words[index]) {
                runID = ProcedureRun.id(number: number)
                words.remove(at: index)
            }
            let action = words.first?.lowercased() ?? ""
            let rest = words.dropFirst().joined(separator: " ")
            let note = rest.isEmpty ? nil : rest
            switch action {
            case "done", "did", "ok": self = .step(.done(note: note), runID: runID)
            case "skip", "skipped": self = .step(.skip(note: note), runID: runID)
            case "escalate": self = .step(.escalate, runID: runID)
            case "show", "", "status": self = .step(.show, runID: runID)
            case "choose", "choice", "pick":
                guard let number = words.dropFirst().first.flatMap({ Int($0) }), number > 0 else {
                    self = .usage(problem: "say which decision, by its number: /runbook step choose <n>")
                    return
                }
                self = .step(.choose(number), runID: runID)
            default:
                self = .usage(problem: "unknown step action '\(action)': \(Self.forms["step"]!)")
            }
        }
    }

    /// The forms, for usage messages and the help.
    public static let forms: [String: String] = [
        "run": "/runbook run <procedure id or query> [INC-n]",
        "step": "/runbook step [RUN-n] done|skip [note] · choose <n> · escalate · show",
        "drill": "/runbook drill <procedure, failure mode or query>",
        "drills": "/runbook drills",
    ]
}

extension IncidentCommand {
    /// `INC-12` (any case) → `INC-12`; bare numbers are not taken, as a query may hold them.
    static func normalizedIncidentID(_ word: String) -> String? {
        word.uppercased().hasPrefix("INC-") ? normalizedID(word) : nil
    }
}
