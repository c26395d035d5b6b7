import RunbookModel

/// Handles `/incident` commands and card buttons: decides, saves through the store (state,
/// timeline and outbox in one transaction), and answers the person who asked.
public struct IncidentDesk: Sendable {
    public struct Reply: Sendable {
        public var card: Card
        /// Nil when the request was carried out; else why nothing changed.
        public var refusal: DeskRefusal?
        public var incidentID: String?

        public var succeeded: Bool { refusal == nil }

        init(card: Card, incidentID: String?) {
            self.card = card
            self.incidentID = incidentID
        }

        init(refusal: DeskRefusal) {
            self.card = refusal.card
            self.refusal = refusal
        }
    }

    let store: any IncidentStore
    let library: RunbookLibrary
    let settings: BotSettings
    let clock: any BotClock
    let pagerDutyEnabled: Bool
    let groups: any UserGroupDirectory
    /// Procedure runs, for `/incident show` and postmortems; nil when the store keeps none.
    let runs: (any RunStore)?
    /// Who rotations reach when a ping names one.
    let onCall: any OnCallSource
    let times: TimeFormatter
    /// Called after every saved change, so the scheduler and the sender look again.
    let changed: @Sendable () async -> Void

    public init(
        store: any IncidentStore, library: RunbookLibrary, settings: BotSettings, clock: any BotClock,
        pagerDutyEnabled: Bool, groups: any UserGroupDirectory = NoUserGroups(), onCall: (any OnCallSource)? = nil,
        runs: (any RunStore)? = nil, changed: @escaping @Sendable () async -> Void = {}
    ) {
        self.runs = runs
        self.groups = groups
        self.onCall = onCall ?? FileOnCall(library: library)
        self.store = store
        self.library = library
        self.settings = settings
        self.clock = clock
        self.pagerDutyEnabled = pagerDutyEnabled
        self.times = TimeFormatter(timeZoneIdentifier: settings.timeZone)
        self.changed = changed
    }

    /// A change to an existing incident, however it was asked for (typed or clicked).
    enum Request {
        case acknowledge, update(String), escalate, escalateFrom(level: Int), resolve(note: String?), publish(String)

        var permission: Permission {
            switch self {
            case .acknowledge: .acknowledge
            case .update: .update
            case .escalate, .escalateFrom: .escalate
            case .resolve: .resolve
            case .publish: .publish
            }
        }

        var verb: String {
            switch self {
            case .acknowledge: "acknowledged"
            case .update: "updated"
            case .escalate, .escalateFrom: "escalated"
            case .resolve: "resolved"
            case .publish: "published"
            }
        }
    }

    public func handle(_ command: IncidentCommand, actor: String, channel: String) async -> Reply {
        await replying {
            switch command {
            case .declare(let severity, let text):
                return try await declare(severity: severity, text: text, actor: actor, channel: channel)
            case .acknowledge(let id):
                return try await change(id, .acknowledge, actor: actor, channel: channel)
            case .update(let id, let text):
                return try await change(id, .update(text), actor: actor, channel: channel)
            case .escalate(let id):
                return try await change(id, .escalate, actor: actor, channel: channel)
            case .resolve(let id, let note):
                return try await change(id, .resolve(note: note), actor: actor, channel: channel)
            case .publish(let id, let text):
                return try await change(id, .publish(text), actor: actor, channel: channel)
            case .list:
                let everywhere = await isAdmin(actor)
                let open = try await store.openIncidents(channel: everywhere ? nil : channel)
                let damaged = try await store.damagedIncidents(channel: everywhere ? nil : channel)
                let card = IncidentCards.list(open, damaged: damaged, everywhere: everywhere, now: clock.now(), times: times)
                return Reply(card: card, incidentID: nil)
            case .show(let id):
                let incident = try await accessibleIncident(id, actor: actor, channel: channel)
                let id = incident.id
                var card = IncidentCards.detail(
                    incident, timeline: try await store.timeline(id), deliveries: try await store.deliveries(id),
                    now: clock.now(), times: times
                )
                let procedureRuns = try await runs?.runs(incidentID: id) ?? []
                if !procedureRuns.isEmpty {
                    card.sections.insert(Card.Section("Procedure runs", RunMessages.runLines(procedureRuns, now: clock.now())), at: 1)
                }
                return Reply(card: card, incidentID: id)
            case .postmortem(let id):
                return try await postPostmortem(id, actor: actor, channel: channel)
            case .help(let problem):
                guard let problem else { return Reply(card: IncidentCards.help(problem: nil), incidentID: nil) }
                throw DeskRefusal.usage(problem: problem)
            }
        }
    }

    /// Runs a card button with the same rules as the typed commands.
    public func handle(_ action: CardAction, actor: String, channel: String) async -> Reply {
        await replying {
            switch action {
            case .acknowledge(let id): try await change(id, .acknowledge, actor: actor, channel: channel)
            case .escalate(let id, let level): try await change(id, .escalateFrom(level: level), actor: actor, channel: channel)
            case .resolve(let id): try await change(id, .resolve(note: nil), actor: actor, channel: channel)
            }
        }
    }

    /// Runs `body`, turning refusals and failures into a reply that says nothing changed.
    private func replying(_ body: () async throws -> Reply) async -> Reply {
        do {
            return try await body()
        } catch let refusal as DeskRefusal {
            return Reply(refusal: refusal)
        } catch let error as IncidentError {
            return Reply(refusal: .illegalMove(error))
        } catch let damaged as DamagedRecordError {
            return Reply(refusal: .damaged(id: damaged.id))
        } catch {
            return Reply(refusal: .storeFailed("\(error)"))
        }
    }

    // MARK: Declaring

    private func declare(severity: IncidentSeverity?, text: String, actor: String, channel: String) async throws -> Reply {
        try await requirePermission(.declare, actor)
        let channels = settings.permissions.declareChannels
        guard channels.isEmpty || channels.contains(channel) else { throw DeskRefusal.notADeclareChannel(allowed: channels) }
        var declaration: IncidentMachine.Declaration
        let match = library.index.search(text).best.flatMap { match -> (FailureMode, Runbook)? in
            guard match.entry.kind == .failureMode, let entry = library.entry(match.entry),
                  case .failureMode(let failureMode, let runbook) = entry else { return nil }
            return (failureMode, runbook)
        }
        if let (failureMode, runbook) = match {
            declaration = IncidentMachine.Declaration(
                title: text, severity: severity ?? IncidentSeverity(failureMode.severity), channel: channel, declaredBy: actor,
                failureModeID: failureMode.id, failureModeTitle: failureMode.title,
                immediateActions: failureMode.immediateActions.map(ImmediateAction.init),
                policy: PolicySnapshot(runbook: runbook)
            )
            declaration.procedures = failureMode.procedures.compactMap(runbook.procedure).map { ProcedureLink(id: $0.id, title: $0.title) }
        } else {
            guard let runbook = defaultRunbook() else { throw DeskRefusal.noChainToRun(text: text) }
            declaration = IncidentMachine.Declaration(
                title: text, severity: severity ?? .sev3, channel: channel, declaredBy: actor, policy: PolicySnapshot(runbook: runbook)
            )
        }
        declaration.reminderSeconds = settings.reminders[declaration.severity]?.seconds
        declaration.installation = try await store.installationID()
        let now = clock.now()
        let frozen = declaration
        let routing = routing
        let roster = OnCallPings.namesRotation(declaration.policy) ? await onCall.roster(at: now) : nil
        let incident = try await store.declare { number in
            let transition = IncidentMachine.declare(frozen, number: number, at: now)
            return routing.change(for: roster.map { OnCallPings.resolve(transition, roster: $0, at: now) } ?? transition)
        }
        await changed()
        return Reply(card: IncidentCards.declared(incident), incidentID: incident.id)
    }

    private func defaultRunbook() -> Runbook? {
        if let system = settings.defaultSystem { return library.runbook(system) }
        return library.runbooks.count == 1 ? library.runbooks[0] : nil
    }

    // MARK: Changing

    private var routing: DeliveryRouting {
        DeliveryRouting(statusChannels: settings.statusChannels, pagerDutyEnabled: pagerDutyEnabled)
    }

    /// The one path every change to an existing incident takes: the incident's channel,
    /// the permission list, then the state machine inside the store's transaction.
    private func change(_ id: String?, _ request: Request, actor: String, channel: String) async throws -> Reply {
        let incident = try await accessibleIncident(id, actor: actor, channel: channel)
        try await requirePermission(request.permission, actor)
        let now = clock.now()
        let event = try event(for: request, on: incident, by: actor)
        let routing = routing
        let escalates = if case .escalate = event { true } else if case .escalateFrom = event { true } else { false }
        let roster = escalates && OnCallPings.namesRotation(incident.policy) ? await onCall.roster(at: now) : nil
        let result = try await store.update(incident.id) { incident in
            let transition = try IncidentMachine.apply(event, to: incident, at: now)
            return routing.change(for: roster.map { OnCallPings.resolve(transition, roster: $0, at: now) } ?? transition)
        }
        if case .damaged(let reason) = result { throw DamagedRecordError(id: incident.id, reason: reason) }
        guard let saved = result.saved else { throw DeskRefusal.noSuchIncident(incident.id) }
        await changed()
        return Reply(card: IncidentCards.changed(saved.transition.incident, verb: request.verb), incidentID: incident.id)
    }

    private func event(for request: Request, on incident: Incident, by actor: String) throws -> IncidentEvent {
        switch request {
        case .acknowledge: return .acknowledge(by: actor)
        case .update(let text): return .update(by: actor, text: text)
        case .escalate: return .escalate(by: actor)
        case .escalateFrom(let level): return .escalateFrom(level: level, by: actor)
        case .resolve(let note): return .resolve(by: actor, note: note)
        case .publish(let text):
            if let problem = Publication.problem(with: text) { throw DeskRefusal.notPublishable(reason: problem) }
            let name = library.runbook(incident.policy.system)?.system.title ?? incident.policy.system
            return .publish(by: actor, text: text, name: name)
        }
    }

    /// The incident named (or the channel's only open one), if `actor` may see and change
    /// it from `channel`: an incident belongs to the channel it was declared in (threads
    /// included); admins reach every incident from anywhere.
    func accessibleIncident(_ id: String?, actor: String, channel: String) async throws -> Incident {
        let id = try await resolveID(id, channel: channel)
        guard let incident = try await store.incident(id) else { throw DeskRefusal.noSuchIncident(id) }
        if incident.channel != channel, !(await isAdmin(actor)) {
            throw DeskRefusal.belongsElsewhere(id: incident.id, channel: incident.channel)
        }
        return incident
    }

    /// The id given, or the channel's only open incident.
    private func resolveID(_ id: String?, channel: String) async throws -> String {
        if let id { return id }
        let open = try await store.openIncidents(channel: channel)
        switch open.count {
        case 1: return open[0].id
        case 0: throw DeskRefusal.noOpenIncidentHere
        default: throw DeskRefusal.severalOpenIncidentsHere(open.map { "\($0.id) (\($0.title))" })
        }
    }

    /// Admins may do everything; else anyone when the list is empty, or the user is listed
    /// or is in a listed user group.
    func requirePermission(_ permission: Permission, _ actor: String) async throws {
        let list = settings.permissions.list(for: permission)
        if list.isEmpty { return }
        if await isListed(actor, in: list) { return }
        if await isAdmin(actor) { return }
        throw DeskRefusal.notAllowed(permission)
    }

    func isAdmin(_ actor: String) async -> Bool {
        await isListed(actor, in: settings.permissions.admins)
    }

    private func isListed(_ actor: String, in list: [String]) async -> Bool {
        if list.contains(actor) { return true }
        for group in list where group.hasPrefix("S") {
            if await groups.isMember(actor, of: group) { return true }
        }
        return false
    }
}

extension BotSettings.Permissions {
    func list(for permission: Permission) -> [String] {
        switch permission {
        case .declare: declare
        case .acknowledge: acknowledge
        case .update: update
        case .escalate: escalate
        case .resolve: resolve
        case .publish: publish
        }
    }
}
