import RunbookModel

/// What someone asked `/incident` for, parsed from the command text in one place.
public enum IncidentCommand: Equatable, Sendable {
    case declare(severity: IncidentSeverity?, text: String)
    case acknowledge(id: String?)
    case update(id: String?, text: String)
    case escalate(id: String?)
    case resolve(id: String?, note: String?)
    case publish(id: String?, text: String)
    case list
    case show(id: String?)
    case postmortem(id: String?)
    case help(problem: String?)

    /// Every verb `/incident` knows, with the words that name it and its line in the help.
    /// Parsing and the help both come from here, so neither can miss a command.
    public enum Verb: CaseIterable, Sendable {
        case declare, acknowledge, update, escalate, resolve, publish, list, show, postmortem, help

        /// The first word is the one the help shows; the rest are accepted too.
        public var words: [String] {
            switch self {
            case .declare: ["declare", "start", "new", "open"]
            case .acknowledge: ["ack", "acknowledge"]
            case .update: ["update", "status"]
            case .escalate: ["escalate"]
            case .resolve: ["resolve", "close", "resolved"]
            case .publish: ["publish"]
            case .list: ["list", "ls"]
            case .show: ["show", "status?", "info"]
            case .postmortem: ["postmortem", "pm", "retro"]
            case .help: ["help", "usage", "?"]
            }
        }

        public var form: String {
            switch self {
            case .declare: "/incident declare [sev1|sev2|sev3|sev4|critical] <what is happening>"
            case .acknowledge: "/incident ack [id]"
            case .update: "/incident update [id] <status text>"
            case .escalate: "/incident escalate [id]"
            case .resolve: "/incident resolve [id] [note]"
            case .publish: "/incident publish [id] <text for customers>"
            case .list: "/incident list"
            case .show: "/incident show [id]"
            case .postmortem: "/incident postmortem [id]"
            case .help: "/incident help"
            }
        }

        public var meaning: String {
            switch self {
            case .declare: "start an incident; the text is matched against the runbooks"
            case .acknowledge: "acknowledge"
            case .update: "post a status update to the thread and the status channels"
            case .escalate: "go to the next escalation level now"
            case .resolve: "resolve; stops the escalation"
            case .publish: "put this text on the public status page (nothing else reaches it)"
            case .list: "open incidents"
            case .show: "the incident card and its timeline"
            case .postmortem: "post the postmortem summary in the thread (the whole document: runbook-bot postmortem)"
            case .help: "this help"
            }
        }

        init?(word: String) {
            guard let verb = Self.allCases.first(where: { $0.words.contains(word) }) else { return nil }
            self = verb
        }
    }

    public var verb: Verb {
        switch self {
        case .declare: .declare
        case .acknowledge: .acknowledge
        case .update: .update
        case .escalate: .escalate
        case .resolve: .resolve
        case .publish: .publish
        case .list: .list
        case .show: .show
        case .postmortem: .postmortem
        case .help: .help
        }
    }

    public init(text: String) {
        // Split on the bytes: the separators are ASCII, and comparing every byte is far
        // cheaper than comparing characters of a long text.
        var words = text.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A }).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard !words.isEmpty else {
            self = .help(problem: nil)
            return
        }
        // No verb is longer than a dozen letters; a longer first word is only quoted back.
        let first = words.removeFirst()
        let word = first.utf8.count > 32 ? String(first.prefix(32)) + "…" : first.lowercased()
        /// An incident id in first position, normalised to `INC-<n>`.
        func takeID() -> String? {
            guard let first = words.first, let id = Self.normalizedID(first) else { return nil }
            words.removeFirst()
            return id
        }
        var rest: String { words.joined(separator: " ") }

        guard let verb = Verb(word: word) else {
            self = .help(problem: "unknown subcommand '\(word)'")
            return
        }
        switch verb {
        case .declare:
            let severity = words.first.flatMap { IncidentSeverity(rawValue: $0.lowercased()) }
            if severity != nil { words.removeFirst() }
            self = rest.isEmpty ? .help(problem: "say what is happening: \(verb.form)") : .declare(severity: severity, text: rest)
        case .acknowledge:
            self = .acknowledge(id: takeID())
        case .update:
            let id = takeID()
            self = rest.isEmpty ? .help(problem: "say what the status is: \(verb.form)") : .update(id: id, text: rest)
        case .escalate:
            self = .escalate(id: takeID())
        case .resolve:
            let id = takeID()
            self = .resolve(id: id, note: rest.isEmpty ? nil : rest)
        case .publish:
            let id = takeID()
            self = rest.isEmpty ? .help(problem: "say what customers should read: \(verb.form)") : .publish(id: id, text: rest)
        case .list:
            self = .list
        case .show:
            self = .show(id: takeID())
        case .postmortem:
            self = .postmortem(id: takeID())
        case .help:
            self = .help(problem: nil)
        }
    }

    /// `INC-12`, `inc-12`, `12` → `INC-12`.
    public static func normalizedID(_ word: String) -> String? {
        let upper = word.uppercased()
        let digits = upper.hasPrefix("INC-") ? String(upper.dropFirst(4)) : (upper.hasPrefix("#") ? String(upper.dropFirst()) : upper)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isNumber), let number = Int(digits), number > 0 else { return nil }
        return Incident.id(number: number)
    }
}
