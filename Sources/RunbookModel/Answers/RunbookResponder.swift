/// Answers `/runbook` commands from the loaded runbooks. Pure: no transport, no clock.
public struct RunbookResponder: Sendable {
    public let library: RunbookLibrary
    /// No query longer than this, in bytes, can name an entry directly: four bytes for
    /// every byte of the longest `system/id`, since lowercasing changes some letters' size.
    /// A longer text skips the id check, whose lowercasing costs time in proportion to the text.
    private let longestDirectKey: Int
    /// `id` and `system/id` → the entry they name. Where two systems use one id, the bare id
    /// names the entry of the system first in id order; within a system a failure mode wins
    /// over a procedure, a procedure over a dependency, a dependency over a contact.
    private let directEntries: [String: Entry]

    public init(library: RunbookLibrary) {
        self.library = library
        var directEntries: [String: Entry] = [:]
        var longestKey = 0
        for runbook in library.runbooks {
            let entries: [(String, Entry)] = runbook.failureModes.map { ($0.id, .failureMode($0, runbook)) }
                + runbook.procedures.map { ($0.id, .procedure($0, runbook)) }
                + runbook.dependencies.map { ($0.id, .dependency($0, runbook)) }
                + runbook.contacts.map { ($0.id, .contact($0, runbook)) }
            for (id, entry) in entries {
                let scoped = "\(runbook.system.id)/\(id)"
                if directEntries[id] == nil { directEntries[id] = entry }
                if directEntries[scoped] == nil { directEntries[scoped] = entry }
                longestKey = max(longestKey, scoped.utf8.count)
            }
        }
        self.directEntries = directEntries
        self.longestDirectKey = 4 * longestKey
    }

    public struct Answer: Sendable {
        public enum Visibility: Sendable { case onlyRequester, channel }

        /// Builds the card. Deferred so that callers reusing an earlier rendering of the
        /// same `identity` never pay for it.
        public let card: @Sendable () -> Card
        public var visibility: Visibility
        /// The entry the answer is about, when it is one.
        public var entry: EntryID?
        /// Other plausible entries, best first.
        public var alternatives: [SearchIndex.Match]
        public var found: Bool
        /// Equal for answers that render identically, so renderings can be reused: the
        /// library never changes while it is loaded.
        public var identity: Identity
    }

    public struct Identity: Hashable, Sendable {
        enum Kind: Hashable, Sendable { case help, list, entry, miss, section, whichSystem }

        var kind: Kind
        var entries: [EntryID] = []
        var text: String = ""
        var shared = false
    }

    public func answer(_ command: RunbookCommand) -> Answer {
        switch command {
        case .help:
            return Answer(card: { Self.helpCard() }, visibility: .onlyRequester, entry: nil, alternatives: [], found: true, identity: Identity(kind: .help))
        case .list:
            return Answer(card: { listCard() }, visibility: .onlyRequester, entry: nil, alternatives: [], found: true, identity: Identity(kind: .list))
        case .lookup(let query, let share):
            var answer = lookup(query)
            if share, answer.found {
                answer.visibility = .channel
                answer.identity.shared = true
            }
            return answer
        case .section(let section, let system):
            return sectionAnswer(section, system: system)
        case .procedureRun:
            // Runs need the bot's store; without one (the CLI's lookup) the help says what there is.
            return Answer(card: { Self.helpCard() }, visibility: .onlyRequester, entry: nil, alternatives: [], found: true, identity: Identity(kind: .help))
        }
    }

    public func lookup(_ query: String) -> Answer {
        if let entry = directEntry(query) {
            return Answer(card: { EntryCards.card(for: entry) }, visibility: .onlyRequester, entry: entry.id, alternatives: [],
                          found: true, identity: Identity(kind: .entry, entries: [entry.id]))
        }
        let result = library.index.search(query)
        guard let best = result.best else {
            return Answer(card: { noMatchCard(query, suggestions: result.suggestions) }, visibility: .onlyRequester,
                          entry: nil, alternatives: [], found: false, identity: Identity(kind: .miss, text: query))
        }
        let alternatives = Array(result.alternatives)
        // The entry is resolved only when the card is built: callers that reuse an earlier
        // rendering of this answer never need it.
        let card: @Sendable () -> Card = { [library] in
            guard let entry = library.entry(best.entry) else { return noMatchCard(query, suggestions: []) }
            var card = EntryCards.card(for: entry)
            if !alternatives.isEmpty {
                card.sections.append(Card.Section("Not it? Also matching", alternatives.map {
                    .hint("\($0.title) (\($0.entry.kind.rawValue))", command: "/runbook \(directCommand(for: $0.entry))")
                }))
            }
            return card
        }
        let identity = Identity(kind: .entry, entries: result.matches.map(\.entry))
        return Answer(
            card: card, visibility: .onlyRequester, entry: best.entry,
            alternatives: alternatives, found: true, identity: identity
        )
    }

    /// `/runbook lambda-timeout` or `/runbook invoice-pipeline/lambda-timeout`: an entry by its id.
    private func directEntry(_ query: String) -> Entry? {
        // Ids are short and have no spaces: most queries are ruled out before any work.
        guard query.utf8.count <= longestDirectKey, !query.utf8.contains(UInt8(ascii: " ")) else { return nil }
        return directEntries[query.trimmingWhitespace().lowercased()]
    }

    private func sectionAnswer(_ section: RunbookCommand.RunbookSection, system: String?) -> Answer {
        let runbook: Runbook
        if let system {
            guard let named = library.runbook(named: system) else {
                // "/runbook escalation timeout": not a system, so treat the whole text as a lookup.
                return lookup("\(section.rawValue) \(system)")
            }
            runbook = named
        } else if library.runbooks.count == 1 {
            runbook = library.runbooks[0]
        } else {
            let systems = library.runbooks.map { Card.Item.hint($0.system.title, command: "/runbook \(section.rawValue) \($0.system.id)") }
            let card = Card(title: "Which system?", subtitle: "\(library.runbooks.count) systems have runbooks",
                            sections: [Card.Section(nil, systems)])
            return Answer(card: { card }, visibility: .onlyRequester, entry: nil, alternatives: [], found: false,
                          identity: Identity(kind: .whichSystem, text: section.rawValue))
        }
        // The card is built only when it is rendered: callers reusing an earlier rendering never need it.
        let (card, entry): (@Sendable () -> Card, EntryID?) = switch section {
        case .overview: ({ EntryCards.overviewCard(runbook) }, EntryID(system: runbook.system.id, kind: .overview, id: runbook.system.id))
        case .escalation: ({ EntryCards.escalationCard(runbook) }, EntryID(system: runbook.system.id, kind: .escalation, id: runbook.system.id))
        case .deps: ({ dependenciesCard(runbook) }, nil)
        case .contacts: ({ contactsCard(runbook) }, nil)
        }
        return Answer(card: card, visibility: .onlyRequester, entry: entry, alternatives: [], found: true,
                      identity: Identity(kind: .section, text: "\(section.rawValue) \(runbook.system.id)"))
    }

    private func dependenciesCard(_ runbook: Runbook) -> Card {
        let sections = runbook.dependencies.map { dependency in
            var items: [Card.Item] = [
                .field("Used for", Card.Text(dependency.usedFor)),
                .field("How it fails", Card.Text(dependency.howItFails.joined(separator: "; "))),
                .field("Impact", Card.Text(dependency.impact)),
            ]
            items += EntryCards.responseItems(dependency)
            items.append(.hint("Details", command: "/runbook \(dependency.id)"))
            return Card.Section(dependency.name, items)
        }
        return Card(title: "Dependencies: \(runbook.system.title)", subtitle: "\(runbook.dependencies.count) dependencies",
                    sections: sections, footer: EntryCards.footer(runbook))
    }

    private func contactsCard(_ runbook: Runbook) -> Card {
        let sections = runbook.contacts.map { Card.Section($0.name, EntryCards.contactItems($0)) }
        return Card(title: "Contacts: \(runbook.system.title)", subtitle: "\(runbook.contacts.count) contacts",
                    sections: sections, footer: EntryCards.footer(runbook))
    }

    private func listCard() -> Card {
        let sections = library.runbooks.map { runbook in
            var items: [Card.Item] = [.hint("Overview", command: "/runbook overview \(runbook.system.id)")]
            items += runbook.failureModes.map { .hint("\($0.severity.label) \($0.title)", command: "/runbook \($0.id)") }
            items += runbook.procedures.map { .hint("Procedure: \($0.title)", command: "/runbook \($0.id)") }
            items += runbook.dependencies.map { .hint("Dependency: \($0.name)", command: "/runbook \($0.id)") }
            items.append(.hint("Escalation path", command: "/runbook escalation \(runbook.system.id)"))
            items.append(.hint("Contacts (\(runbook.contacts.count))", command: "/runbook contacts \(runbook.system.id)"))
            return Card.Section("\(runbook.system.title) (\(runbook.system.id))", items)
        }
        return Card(title: "Runbooks", subtitle: library.runbooks.count == 1 ? "1 system" : "\(library.runbooks.count) systems", sections: sections)
    }

    private func noMatchCard(_ query: String, suggestions: [SearchIndex.Match]) -> Card {
        var sections: [Card.Section] = []
        if !suggestions.isEmpty {
            sections.append(Card.Section("Closest entries", suggestions.map {
                .hint("\($0.title) (\($0.entry.kind.rawValue))", command: "/runbook \(directCommand(for: $0.entry))")
            }))
        }
        sections.append(Card.Section(nil, [.text(Card.Text(RunbookCommand.usageLine)), .hint("Everything there is", command: "/runbook list")]))
        return Card(title: "Nothing in the runbooks matches “\(query)”", sections: sections)
    }

    /// The shortest `/runbook` text that opens exactly this entry.
    public func directCommand(for entry: EntryID) -> String {
        switch entry.kind {
        case .overview: "overview \(entry.system)"
        case .escalation: "escalation \(entry.system)"
        default: library.runbooks.count == 1 ? entry.id : "\(entry.system)/\(entry.id)"
        }
    }

    public static func helpCard(unknownCommand: String? = nil) -> Card {
        var sections: [Card.Section] = []
        if let unknownCommand {
            sections.append(Card.Section(nil, [.text("runbook-bot does not know the command \(unknownCommand).")]))
        }
        sections.append(Card.Section("Commands", RunbookCommand.Form.allCases.map { .field($0.usage, Card.Text($0.meaning)) }))
        sections.append(Card.Section(nil, [.text("Answers are only visible to you unless you use share.")]))
        return Card(title: "runbook-bot: runbooks in chat", subtitle: "Find the runbook entry for what is going wrong, fast.",
                    sections: sections)
    }
}
