/// What someone asked `/runbook` for, parsed from the command text in one place.
public enum RunbookCommand: Equatable, Sendable {
    case help
    case list
    case lookup(query: String, share: Bool)
    case section(RunbookSection, system: String?)

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
        let rest = trimmed[firstEnd...].trimmingWhitespace()
        switch first {
        case "help", "usage", "?", "-h", "--help":
            self = .help
        case "list", "ls":
            self = .list
        case "share":
            self = rest.isEmpty ? .help : .lookup(query: rest, share: true)
        case "overview", "deps", "dependencies", "escalation", "contacts":
            let section = first == "dependencies" ? RunbookSection.deps : RunbookSection(rawValue: first)!
            // "/runbook escalation timeout" is a lookup, not a system name; the responder
            // decides once it knows which systems exist.
            self = .section(section, system: rest.isEmpty ? nil : rest)
        default:
            self = .lookup(query: trimmed, share: false)
        }
    }

    /// The usage text, one line per form. A test checks every case is listed.
    public static let usage: [(form: String, meaning: String)] = [
        ("/runbook <what is happening>", "the best runbook entry, e.g. `/runbook timeout` or a pasted error"),
        ("/runbook share <query>", "the same, posted to the channel for everyone"),
        ("/runbook list", "every system and its entries"),
        ("/runbook overview [system]", "a system's one-page overview"),
        ("/runbook deps [system]", "what a system depends on and how each breaks"),
        ("/runbook escalation [system]", "who to call, and when"),
        ("/runbook contacts [system]", "everyone in the runbook and how to reach them"),
        ("/runbook help", "this help"),
    ]

    public static let usageLine = "Usage: /runbook <what is happening> | share <query> | list | overview | deps | escalation | contacts [system] | help"
}
