/// What someone asked `/runbook` for, parsed from the command text in one place.
public enum RunbookCommand: Equatable, Sendable {
    case help
    case list
    case lookup(query: String, share: Bool)
    case section(RunbookSection, system: String?)
    /// A procedure run or drill (`run`, `step`, `drill`, `drills`): carried out by the bot's
    /// run desk, which reads `text` itself.
    case procedureRun(Form, text: String)

    public enum RunbookSection: String, CaseIterable, Sendable {
        case overview
        case deps
        case escalation
        case contacts
    }

    public init(text: String) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            self = .help
            return
        }
        let firstEnd = trimmed.utf8.firstIndex { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") }
            ?? trimmed.endIndex
        let first = trimmed[..<firstEnd].lowercased()
        // The text after the first word, or nil when there is none. Only `share` and the
        // sections read it, once each: a lookup need not copy it.
        func rest() -> String? {
            let rest = trimmed[firstEnd...].trimmingWhitespace()
            return rest.isEmpty ? nil : rest
        }
        switch first {
        case "help", "usage", "?", "-h", "--help":
            self = .help
        case "list", "ls":
            self = .list
        case "run", "step", "drill", "drills":
            self = .procedureRun(first == "run" ? .run : first == "step" ? .step : first == "drill" ? .drill : .drills, text: trimmed)
        case "share":
            self = rest().map { .lookup(query: $0, share: true) } ?? .help
        case "overview", "deps", "dependencies", "escalation", "contacts":
            let section = first == "dependencies" ? RunbookSection.deps : RunbookSection(rawValue: first)!
            // "/runbook escalation timeout" is a lookup, not a system name; the responder
            // decides once it knows which systems exist.
            self = .section(section, system: rest())
        default:
            self = .lookup(query: trimmed, share: false)
        }
    }

    /// Every form `/runbook` takes, with its line in the help. The help and its test both
    /// come from here, so neither can miss a command.
    public enum Form: CaseIterable, Sendable {
        case lookup, share, list, overview, deps, escalation, contacts, run, step, drill, drills, help

        public var usage: String {
            switch self {
            case .lookup: "/runbook <what is happening>"
            case .share: "/runbook share <query>"
            case .list: "/runbook list"
            case .overview: "/runbook overview [system]"
            case .deps: "/runbook deps [system]"
            case .escalation: "/runbook escalation [system]"
            case .contacts: "/runbook contacts [system]"
            case .run: "/runbook run <procedure id or query> [INC-n]"
            case .step: "/runbook step [RUN-n] done|skip [note] · choose <n> · escalate · show"
            case .drill: "/runbook drill <procedure, failure mode or query>"
            case .drills: "/runbook drills"
            case .help: "/runbook help"
            }
        }

        public var meaning: String {
            switch self {
            case .lookup: "the best runbook entry, e.g. `/runbook timeout` or a pasted error"
            case .share: "the same, posted to the channel for everyone"
            case .list: "every system and its entries"
            case .overview: "a system's one-page overview"
            case .deps: "what a system depends on and how each breaks"
            case .escalation: "who to call, and when"
            case .contacts: "everyone in the runbook and how to reach them"
            case .run: "start a procedure as a live checklist in the incident's thread"
            case .step: "act on the channel's run: done, skip, take a decision, escalate, show the step"
            case .drill: "rehearse a procedure, timed: pings nobody, pages nothing"
            case .drills: "recent drills and how long each took"
            case .help: "this help"
            }
        }
    }

    /// Which form a parsed command is.
    public var form: Form {
        switch self {
        case .help: .help
        case .list: .list
        case .lookup(_, let share): share ? .share : .lookup
        case .section(.overview, _): .overview
        case .section(.deps, _): .deps
        case .section(.escalation, _): .escalation
        case .section(.contacts, _): .contacts
        case .procedureRun(let form, _): form
        }
    }

    public static let usageLine = "Usage: /runbook <what is happening> | share <query> | list | overview | deps | escalation | contacts [system] | run | step | drill | drills | help"
}
