/// What someone asked `/incident` for, parsed from the command text in one place.
public enum IncidentCommand: Equatable, Sendable {
    case declare(severity: IncidentSeverity?, text: String)
    case acknowledge(id: String?)
    case update(id: String?, text: String)
    case escalate(id: String?)
    case resolve(id: String?, note: String?)
    case list
    case show(id: String?)
    case help(problem: String?)

    public init(text: String) {
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard !words.isEmpty else {
            self = .help(problem: nil)
            return
        }
        let verb = words.removeFirst().lowercased()
        /// An incident id in first position, normalised to `INC-<n>`.
        func takeID() -> String? {
            guard let first = words.first, let id = Self.normalizedID(first) else { return nil }
            words.removeFirst()
            return id
        }
        var rest: String { words.joined(separator: " ") }

        switch verb {
        case "declare", "start", "new", "open":
            let severity = words.first.flatMap { IncidentSeverity(rawValue: $0.lowercased()) }
            if severity != nil { words.removeFirst() }
            self = rest.isEmpty
                ? .help(problem: "say what is happening: /incident declare [sev1|sev2|sev3|sev4|critical] <what is happening>")
                : .declare(severity: severity, text: rest)
        case "ack", "acknowledge":
            self = .acknowledge(id: takeID())
        case "update", "status":
            let id = takeID()
            self = rest.isEmpty ? .help(problem: "say what the status is: /incident update [id] <status text>") : .update(id: id, text: rest)
        case "escalate":
            self = .escalate(id: takeID())
        case "resolve", "close", "resolved":
            let id = takeID()
            self = .resolve(id: id, note: rest.isEmpty ? nil : rest)
        case "list", "ls":
            self = .list
        case "show", "status?", "info":
            self = .show(id: takeID())
        case "help", "usage", "?":
            self = .help(problem: nil)
        default:
            self = .help(problem: "unknown subcommand '\(verb)'")
        }
    }

    /// `INC-12`, `inc-12`, `12` → `INC-12`.
    public static func normalizedID(_ word: String) -> String? {
        let upper = word.uppercased()
        let digits = upper.hasPrefix("INC-") ? String(upper.dropFirst(4)) : (upper.hasPrefix("#") ? String(upper.dropFirst()) : upper)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isNumber), let number = Int(digits), number > 0 else { return nil }
        return Incident.id(number: number)
    }

    /// The usage text, one line per form. A test checks every case is listed.
    public static let usage: [(form: String, meaning: String)] = [
        ("/incident declare [sev1|sev2|sev3|sev4|critical] <what is happening>", "start an incident; the text is matched against the runbooks"),
        ("/incident ack [id]", "acknowledge"),
        ("/incident update [id] <status text>", "post a status update to the thread and the status channels"),
        ("/incident escalate [id]", "go to the next escalation level now"),
        ("/incident resolve [id] [note]", "resolve; stops the escalation"),
        ("/incident list", "open incidents"),
        ("/incident show [id]", "the incident card and its timeline"),
        ("/incident help", "this help"),
    ]
}
