/// Every loaded runbook, the on-call rotations, and the search index built over the
/// runbooks once at load time.
///
/// A class, though nothing in it changes once loaded: every desk and controller holds it,
/// and every `/runbook` lookup's deferred card captures it. A copy of a struct this size
/// retains each of the index's buffers (some twenty); a reference retains one.
public final class RunbookLibrary: Sendable {
    public let runbooks: [Runbook]
    public let index: SearchIndex
    /// From `oncall.yaml`, in file order; empty without one.
    public let rotations: [Rotation]

    public init(runbooks: [Runbook], rotations: [Rotation] = []) {
        self.runbooks = runbooks.sorted { $0.system.id < $1.system.id }
        self.index = SearchIndex(runbooks: self.runbooks)
        self.rotations = rotations
    }

    public func runbook(_ systemID: String) -> Runbook? {
        runbooks.first { $0.system.id == systemID }
    }

    /// The runbook a user meant by `name`: its id, an alias, or a word of its title.
    public func runbook(named name: String) -> Runbook? {
        let wanted = name.lowercased()
        return runbooks.first { $0.system.id == wanted }
            ?? runbooks.first { $0.system.aliases.contains { $0.lowercased() == wanted } }
            ?? index.systems(matching: name).first.flatMap { runbook($0) }
    }

    public func entry(_ id: EntryID) -> Entry? {
        guard let runbook = runbook(id.system) else { return nil }
        switch id.kind {
        case .overview: return .overview(runbook)
        case .escalation: return .escalation(runbook)
        case .failureMode: return runbook.failureMode(id.id).map { .failureMode($0, runbook) }
        case .dependency: return runbook.dependency(id.id).map { .dependency($0, runbook) }
        case .procedure: return runbook.procedure(id.id).map { .procedure($0, runbook) }
        case .contact: return runbook.contact(id.id).map { .contact($0, runbook) }
        }
    }
}

public enum EntryKind: String, CaseIterable, Sendable {
    case failureMode = "failure mode"
    case dependency
    case procedure
    case escalation
    case contact
    case overview
}

/// Names one answerable entry: a failure mode, a procedure, a system's overview, …
public struct EntryID: Hashable, Sendable, CustomStringConvertible {
    public var system: String
    public var kind: EntryKind
    /// The entry's own id; for overview and escalation, the system id.
    public var id: String

    public init(system: String, kind: EntryKind, id: String) {
        self.system = system
        self.kind = kind
        self.id = id
    }

    public var description: String { "\(system)/\(kind.rawValue)/\(id)" }
}

/// One entry resolved against its runbook.
public enum Entry: Sendable {
    case overview(Runbook)
    case dependency(Dependency, Runbook)
    case failureMode(FailureMode, Runbook)
    case procedure(Procedure, Runbook)
    case escalation(Runbook)
    case contact(Contact, Runbook)

    public var runbook: Runbook {
        switch self {
        case .overview(let runbook), .escalation(let runbook): runbook
        case .dependency(_, let runbook), .failureMode(_, let runbook), .procedure(_, let runbook),
             .contact(_, let runbook): runbook
        }
    }

    public var id: EntryID {
        let system = runbook.system.id
        switch self {
        case .overview: return EntryID(system: system, kind: .overview, id: system)
        case .escalation: return EntryID(system: system, kind: .escalation, id: system)
        case .dependency(let dependency, _): return EntryID(system: system, kind: .dependency, id: dependency.id)
        case .failureMode(let failureMode, _): return EntryID(system: system, kind: .failureMode, id: failureMode.id)
        case .procedure(let procedure, _): return EntryID(system: system, kind: .procedure, id: procedure.id)
        case .contact(let contact, _): return EntryID(system: system, kind: .contact, id: contact.id)
        }
    }

    public var title: String {
        switch self {
        case .overview(let runbook): runbook.system.title
        case .escalation(let runbook): "Escalation: \(runbook.system.title)"
        case .dependency(let dependency, _): dependency.name
        case .failureMode(let failureMode, _): failureMode.title
        case .procedure(let procedure, _): procedure.title
        case .contact(let contact, _): contact.name
        }
    }
}
