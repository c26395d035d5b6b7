import RunbookModel

/// Handles `/incident` commands: decides, saves through the store (state, timeline and
/// outbox in one transaction), and answers the person who typed the command.
public struct IncidentDesk: Sendable {
    public struct Reply: Sendable {
        public var card: Card
        /// False when the command was refused or failed; nothing changed then.
        public var succeeded: Bool
        public var incidentID: String?
    }

    let store: any IncidentStore
    let library: RunbookLibrary
    let settings: BotSettings
    let clock: any WallClock
    let pagerDutyEnabled: Bool
    let groups: any UserGroupDirectory
    let times: TimeFormatter
    /// Called after every saved change, so the scheduler and the sender look again.
    let changed: @Sendable () async -> Void

    public init(
        store: any IncidentStore, library: RunbookLibrary, settings: BotSettings, clock: any WallClock,
        pagerDutyEnabled: Bool, groups: any UserGroupDirectory = NoUserGroups(),
        changed: @escaping @Sendable () async -> Void
    ) {
        self.groups = groups
        self.store = store
        self.library = library
        self.settings = settings
        self.clock = clock
        self.pagerDutyEnabled = pagerDutyEnabled
        self.times = TimeFormatter(timeZoneIdentifier: settings.timeZone)
        self.changed = changed
    }

    public func handle(_ command: IncidentCommand, actor: String, channel: String) async -> Reply {
        await replying {
            switch command {
            case .declare(let severity, let text):
                return try await declare(severity: severity, text: text, actor: actor, channel: channel)
            case .acknowledge(let id):
                return try await apply(id: id, channel: channel, actor: actor, verb: "acknowledged") { .acknowledge(by: actor) }
            case .update(let id, let text):
                return try await apply(id: id, channel: channel, actor: actor, verb: "updated") { .update(by: actor, text: text) }
            case .escalate(let id):
                guard await allowed(actor, settings.permissions.escalate) else { return refusal("escalate") }
                return try await apply(id: id, channel: channel, actor: actor, verb: "escalated") { .escalate(by: actor) }
            case .resolve(let id, let note):
                guard await allowed(actor, settings.permissions.resolve) else { return refusal("resolve incidents") }
                return try await apply(id: id, channel: channel, actor: actor, verb: "resolved") { .resolve(by: actor, note: note) }
            case .list:
                return Reply(card: IncidentCards.list(try await store.openIncidents(channel: nil), now: clock.now(), times: times),
                             succeeded: true, incidentID: nil)
            case .show(let id):
                let id = try await resolveID(id, channel: channel, includeResolved: true)
                guard let incident = try await store.incident(id) else { return failure("There is no incident \(id).") }
                let card = IncidentCards.detail(
                    incident, timeline: try await store.timeline(id), deliveries: try await store.deliveries(id),
                    now: clock.now(), times: times
                )
                return Reply(card: card, succeeded: true, incidentID: id)
            case .help(let problem):
                return Reply(card: IncidentCards.help(problem: problem), succeeded: problem == nil, incidentID: nil)
            }
        }
    }

    /// What a button on an incident card asks for.
    public enum CardAction: Equatable, Sendable {
        case acknowledge(id: String)
        case escalate(id: String, fromLevel: Int)
        case resolve(id: String)

        /// From a button's `action_id` and `value` (`INC-3`, or `INC-3@2` for escalation).
        public init?(actionID: String, value: String) {
            let parts = value.split(separator: "@").map(String.init)
            guard let id = parts.first.flatMap(IncidentCommand.normalizedID) else { return nil }
            switch actionID {
            case CardAction.acknowledgeID: self = .acknowledge(id: id)
            case CardAction.resolveID: self = .resolve(id: id)
            case CardAction.escalateID:
                guard parts.count == 2, let level = Int(parts[1]) else { return nil }
                self = .escalate(id: id, fromLevel: level)
            default: return nil
            }
        }

        public static let acknowledgeID = "incident_acknowledge"
        public static let escalateID = "incident_escalate"
        public static let resolveID = "incident_resolve"
    }

    /// Runs a card button with the same rules as the typed commands.
    public func handle(_ action: CardAction, actor: String, channel: String) async -> Reply {
        await replying {
            switch action {
            case .acknowledge(let id):
                return try await apply(id: id, channel: channel, actor: actor, verb: "acknowledged") { .acknowledge(by: actor) }
            case .escalate(let id, let level):
                guard await allowed(actor, settings.permissions.escalate) else { return refusal("escalate") }
                return try await apply(id: id, channel: channel, actor: actor, verb: "escalated") { .escalateFrom(level: level, by: actor) }
            case .resolve(let id):
                guard await allowed(actor, settings.permissions.resolve) else { return refusal("resolve incidents") }
                return try await apply(id: id, channel: channel, actor: actor, verb: "resolved") { .resolve(by: actor, note: nil) }
            }
        }
    }

    /// Runs `body`, turning refusals and failures into a reply that says nothing changed.
    private func replying(_ body: () async throws -> Reply) async -> Reply {
        do {
            return try await body()
        } catch let error as DeskError {
            return failure(error.message)
        } catch let error as IncidentError {
            return failure("\(error.description.prefix(1).uppercased())\(error.description.dropFirst()). Nothing changed.")
        } catch {
            return failure("Could not save the change (\(error)). Nothing changed; try again.")
        }
    }

    // MARK: Declaring

    private func declare(severity: IncidentSeverity?, text: String, actor: String, channel: String) async throws -> Reply {
        guard await allowed(actor, settings.permissions.declare) else { return refusal("declare incidents") }
        let channels = settings.permissions.declareChannels
        guard channels.isEmpty || channels.contains(channel) else {
            return failure("Incidents cannot be declared in this channel. Declare in: \(channels.map { "<#\($0)>" }.joined(separator: ", ")).")
        }
        var declaration: IncidentMachine.Declaration
        let match = library.index.search(text).best.flatMap { match -> (FailureMode, Runbook)? in
            guard match.entry.kind == .failureMode, let entry = library.entry(match.entry),
                  case .failureMode(let failureMode, let runbook) = entry else { return nil }
            return (failureMode, runbook)
        }
        if let (failureMode, runbook) = match {
            let chosen = severity ?? IncidentSeverity(failureMode.severity)
            declaration = IncidentMachine.Declaration(
                title: text, severity: chosen, channel: channel, declaredBy: actor,
                failureModeID: failureMode.id, failureModeTitle: failureMode.title,
                immediateActions: failureMode.immediateActions.map(Self.actionLine),
                policy: PolicySnapshot(runbook: runbook)
            )
        } else {
            guard let runbook = defaultRunbook() else {
                throw DeskError("No runbook matches “\(text)” and bot.yaml names no incidents.default_system, so there is no escalation chain to run.")
            }
            declaration = IncidentMachine.Declaration(
                title: text, severity: severity ?? .sev3, channel: channel, declaredBy: actor, policy: PolicySnapshot(runbook: runbook)
            )
        }
        declaration.reminderSeconds = settings.reminders[declaration.severity.rawValue]?.seconds
        let now = clock.now()
        let frozen = declaration
        let statusChannels = settings.statusChannels
        let pagerDuty = pagerDutyEnabled
        let incident = try await store.declare { number in
            let transition = IncidentMachine.declare(frozen, number: number, at: now)
            return Change(
                transition: transition,
                deliveries: DeliveryRouting.deliveries(for: transition.effects, statusChannels: statusChannels, pagerDutyEnabled: pagerDuty)
            )
        }
        await changed()
        return Reply(card: IncidentCards.declared(incident), succeeded: true, incidentID: incident.id)
    }

    private func defaultRunbook() -> Runbook? {
        if let system = settings.defaultSystem { return library.runbook(system) }
        return library.runbooks.count == 1 ? library.runbooks[0] : nil
    }

    static func actionLine(_ action: Action) -> String {
        var line = action.when.map { "If \($0): \(action.text)" } ?? action.text
        if !action.steps.isEmpty { line += " (" + action.steps.joined(separator: "; ") + ")" }
        if let command = action.command { line += "\n" + command }
        return line
    }

    // MARK: Changing

    private func apply(
        id: String?, channel: String, actor: String, verb: String, _ event: @escaping @Sendable () -> IncidentEvent
    ) async throws -> Reply {
        let id = try await resolveID(id, channel: channel, includeResolved: false)
        let now = clock.now()
        let statusChannels = settings.statusChannels
        let pagerDuty = pagerDutyEnabled
        let saved = try await store.update(id) { incident in
            let transition = try IncidentMachine.apply(event(), to: incident, at: now)
            return Change(
                transition: transition,
                deliveries: DeliveryRouting.deliveries(for: transition.effects, statusChannels: statusChannels, pagerDutyEnabled: pagerDuty)
            )
        }
        guard case .some(.some(let change)) = saved else { return failure("There is no incident \(id). See /incident list.") }
        await changed()
        return Reply(card: IncidentCards.changed(change.transition.incident, verb: verb), succeeded: true, incidentID: id)
    }

    /// The id given, or the channel's only open incident.
    private func resolveID(_ id: String?, channel: String, includeResolved: Bool) async throws -> String {
        if let id { return id }
        let open = try await store.openIncidents(channel: channel)
        switch open.count {
        case 1:
            return open[0].id
        case 0:
            throw DeskError("There is no open incident in this channel: give its id, e.g. /incident show INC-1 (see /incident list).")
        default:
            let candidates = open.map { "\($0.id) (\($0.title))" }.joined(separator: ", ")
            throw DeskError("This channel has \(open.count) open incidents: say which one — \(candidates).")
        }
    }

    /// Anyone when the list is empty; else the user is listed, or is in a listed user group.
    private func allowed(_ actor: String, _ list: [String]) async -> Bool {
        if list.isEmpty || list.contains(actor) { return true }
        for group in list where group.hasPrefix("S") {
            if await groups.isMember(actor, of: group) { return true }
        }
        return false
    }

    private func refusal(_ what: String) -> Reply {
        failure("You are not allowed to \(what) (bot.yaml permissions). Nothing changed.")
    }

    private func failure(_ message: String) -> Reply {
        let card = message.count <= 140
            ? Card(title: message)
            : Card(title: "Incident command refused", sections: [Card.Section(nil, [.text(message)])])
        return Reply(card: card, succeeded: false, incidentID: nil)
    }
}

struct DeskError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
