import RunbookModel

/// Handles `/runbook run|step|drill|drills` and checklist buttons: finds the procedure or
/// the run, applies the channel-ownership and permission rules of incidents (through the
/// incident desk, so they cannot differ), and saves the run with its timeline lines and
/// outbox deliveries in one transaction.
public struct RunDesk: Sendable {
    let store: any RunStore
    let incidents: IncidentDesk
    let library: RunbookLibrary
    let clock: any BotClock
    let times: TimeFormatter
    /// Called after every saved change, so the scheduler (watch timers) and the sender look again.
    let changed: @Sendable () async -> Void

    public init(store: any RunStore, incidents: IncidentDesk, changed: @escaping @Sendable () async -> Void = {}) {
        self.store = store
        self.incidents = incidents
        self.library = incidents.library
        self.clock = incidents.clock
        self.times = incidents.times
        self.changed = changed
    }

    public typealias Reply = IncidentDesk.Reply

    public func handle(_ command: RunCommand, actor: String, channel: String) async -> Reply {
        await replying {
            switch command {
            case .start(let query, let incidentID):
                return try await start(query: query, incidentID: incidentID, actor: actor, channel: channel)
            case .drill(let query):
                return try await drill(query: query, actor: actor, channel: channel)
            case .drills:
                return Reply(card: RunMessages.drillList(try await store.drills(limit: 20), now: clock.now(), times: times), incidentID: nil)
            case .step(.show, let runID):
                let run = try await accessibleRun(runID, actor: actor, channel: channel)
                return Reply(card: RunMessages.stepCard(run, now: clock.now()), incidentID: run.incidentID)
            case .step(let verb, let runID):
                let run = try await accessibleRun(runID, actor: actor, channel: channel)
                guard let action = action(for: verb) else { throw DeskRefusal.run("say what to do with the step") }
                return try await act(on: run, atStep: nil, action, actor: actor)
            case .usage(let problem):
                throw DeskRefusal.run(problem)
            }
        }
    }

    /// A checklist button, or an incident card's **Start procedure**.
    public func handle(_ button: RunButton, actor: String, channel: String) async -> Reply {
        await replying {
            switch button {
            case .start(let incidentID, let procedureID):
                return try await start(query: procedureID, incidentID: incidentID, actor: actor, channel: channel, exactID: true)
            case .act(let runID, let step, let action):
                let run = try await accessibleRun(runID, actor: actor, channel: channel)
                return try await act(on: run, atStep: step, action, actor: actor)
            }
        }
    }

    /// Fires a run's watch timer: asks in the thread whether the expectation holds. Firing
    /// again (after a crash) finds the watch already cleared and changes nothing.
    @discardableResult
    public func watchRanOut(_ runID: String) async throws -> Bool {
        let now = clock.now()
        let result = try await store.updateRun(runID) { run in
            RunMachine.due(run, at: now).map { Self.change($0, actor: IncidentMachine.bot, at: now) }
        }
        guard result.saved != nil else { return false }
        await changed()
        return true
    }

    // MARK: Starting

    private func start(query: String, incidentID: String?, actor: String, channel: String, exactID: Bool = false) async throws -> Reply {
        let incident = try await incidents.accessibleIncident(incidentID, actor: actor, channel: channel)
        try await incidents.requirePermission(.update, actor)
        guard incident.isOpen else { throw DeskRefusal.run("\(incident.id) is resolved: start procedures on open incidents") }
        // An incident's own runbook comes first: its procedures are the ones that apply.
        let found = exactID
            ? library.runbook(incident.policy.system)?.procedure(query).map { (procedure: $0, runbook: library.runbook(incident.policy.system)!, failureMode: nil as FailureMode?) }
            : findProcedure(query, preferring: incident.policy.system)
        guard let found else { throw DeskRefusal.run("no procedure matches “\(query)” (see /runbook list)") }
        let failureMode = found.failureMode ?? incident.failureModeID.flatMap { found.runbook.failureMode($0) }
        let run = try await begin(found.procedure, in: found.runbook, failureMode: failureMode, kind: .incident,
                                  incidentID: incident.id, channel: incident.channel, actor: actor)
        return Reply(card: Card(title: "\(run.id) started: \(run.procedureTitle) (\(run.steps.count) steps) in \(incident.id)'s thread"), incidentID: incident.id)
    }

    private func drill(query: String, actor: String, channel: String) async throws -> Reply {
        guard let found = findProcedure(query, preferring: nil) else {
            throw DeskRefusal.run("no procedure or failure mode with procedures matches “\(query)” (see /runbook list)")
        }
        let run = try await begin(found.procedure, in: found.runbook, failureMode: found.failureMode, kind: .drill,
                                  incidentID: nil, channel: channel, actor: actor)
        return Reply(card: Card(title: "DRILL \(run.id) started: \(run.procedureTitle) (\(run.steps.count) steps). The clock is running."), incidentID: nil)
    }

    private func begin(
        _ procedure: Procedure, in runbook: Runbook, failureMode: FailureMode?, kind: ProcedureRun.Kind,
        incidentID: String?, channel: String, actor: String
    ) async throws -> ProcedureRun {
        let now = clock.now()
        let run = try await store.startRun { number in
            var transition = RunMachine.start(procedure, system: runbook.system.id, kind: kind, incidentID: incidentID,
                                              channel: channel, number: number, by: actor, at: now)
            for index in transition.run.steps.indices {
                transition.run.steps[index].escalateTarget = transition.run.steps[index].escalateTo
                    .flatMap(runbook.contact).map(NotifyTarget.init(contact:))
            }
            transition.run.failureModeID = failureMode?.id
            transition.run.failureModeTitle = failureMode?.title
            return Self.change(transition, actor: actor, at: now)
        }
        await changed()
        return run
    }

    /// A procedure by id, else the best search match that is a procedure, or a failure mode
    /// that lists one (its first).
    func findProcedure(_ query: String, preferring system: String?) -> (procedure: Procedure, runbook: Runbook, failureMode: FailureMode?)? {
        let wanted = query.lowercased()
        let runbooks = library.runbooks.sorted { ($0.system.id == system ? 0 : 1) < ($1.system.id == system ? 0 : 1) }
        for runbook in runbooks {
            if let procedure = runbook.procedures.first(where: { $0.id == wanted }) { return (procedure, runbook, nil) }
            if let failureMode = runbook.failureModes.first(where: { $0.id == wanted }),
               let procedure = failureMode.procedures.lazy.compactMap(runbook.procedure).first {
                return (procedure, runbook, failureMode)
            }
        }
        for match in library.index.search(query).matches {
            guard let entry = library.entry(match.entry) else { continue }
            switch entry {
            case .procedure(let procedure, let runbook):
                return (procedure, runbook, nil)
            case .failureMode(let failureMode, let runbook):
                if let procedure = failureMode.procedures.lazy.compactMap(runbook.procedure).first { return (procedure, runbook, failureMode) }
            default:
                continue
            }
        }
        return nil
    }

    // MARK: Acting

    /// The change a typed step verb asks for; nil for `show`, which changes nothing.
    private func action(for verb: RunCommand.StepVerb) -> RunAction? {
        switch verb {
        case .done(let note): .done(note: note)
        case .skip(let note): .skip(note: note)
        case .choose(let number): .choose(number)
        case .escalate: .escalate
        case .show: nil
        }
    }

    private func act(on run: ProcedureRun, atStep step: Int?, _ action: RunAction, actor: String) async throws -> Reply {
        if run.kind == .incident {
            try await incidents.requirePermission(action == .escalate || action == .expectationFailed ? .escalate : .update, actor)
        }
        let now = clock.now()
        // Asked before the transaction, as the scheduler does: who is on call now, for a
        // step escalation that names a rotation.
        let escalates = run.kind == .incident && (action == .escalate || action == .expectationFailed)
        let roster = escalates ? await incidents.onCall.roster(at: now) : nil
        let result = try await store.updateRun(run.id) { stored in
            // A button names the step it was shown on: a stale or repeated click acts once.
            if let step, stored.current.map({ $0 + 1 }) != step {
                throw DeskRefusal.run(stored.isFinished ? "\(stored.id) is finished" : "\(stored.id) has moved on to step \(stored.current! + 1)")
            }
            return Self.change(try RunMachine.apply(action, to: stored, by: actor, at: now), actor: actor, at: now, roster: roster)
        }
        guard let saved = result.saved?.run else { throw DeskRefusal.run("there is no run \(run.id)") }
        await changed()
        let next = saved.current.map { "now step \($0 + 1): \(saved.steps[$0].title)" } ?? "the run is finished"
        return Reply(card: Card(title: "\(saved.id): \(Self.describe(action)); \(next)"), incidentID: saved.incidentID)
    }

    static func describe(_ action: RunAction) -> String {
        switch action {
        case .done: "step done"
        case .skip: "step skipped"
        case .choose(let number): "decision \(number) taken"
        case .escalate: "escalated"
        case .expectationHeld: "expectation held, step done"
        case .expectationFailed: "expectation not met"
        }
    }

    /// The run named (or the channel's only active one), if `actor` may act on it from
    /// `channel`: a run belongs to the channel it runs in; admins reach every run.
    private func accessibleRun(_ id: String?, actor: String, channel: String) async throws -> ProcedureRun {
        let run: ProcedureRun
        if let id {
            guard let found = try await store.run(id) else { throw DeskRefusal.run("there is no run \(id)") }
            run = found
        } else {
            let active = try await store.activeRuns(channel: channel)
            switch active.count {
            case 1: run = active[0]
            case 0: throw DeskRefusal.run("there is no active run in this channel: start one with /runbook run <procedure> or /runbook drill <procedure>")
            default: throw DeskRefusal.run("this channel has \(active.count) active runs: say which one — \(active.map { "\($0.id) (\($0.procedureTitle))" }.joined(separator: ", "))")
            }
        }
        if run.channel != channel, !(await incidents.isAdmin(actor)) {
            throw DeskRefusal.belongsElsewhere(id: run.id, channel: run.channel)
        }
        return run
    }

    // MARK: Saving

    /// A transition as a change to save: its lines and where its effects go. A drill pings
    /// nobody: its escalations are recorded in the run and shown on the checklist only.
    /// A step escalation to a contact naming a rotation reaches whoever `roster` says is on
    /// call now, and the timeline records who that was.
    static func change(_ transition: RunMachine.Transition, actor: String, at now: Timestamp, roster: OnCallRoster? = nil) -> RunChange {
        let run = transition.run
        var deliveries: [RunDelivery] = []
        var onCallLines: [String] = []
        for effect in transition.effects {
            switch effect {
            case .postChecklist: deliveries.append(.postChecklist)
            case .updateChecklist: if !deliveries.contains(.updateChecklist) && !deliveries.contains(.postChecklist) { deliveries.append(.updateChecklist) }
            case .escalate(_, let step):
                guard run.kind == .incident, let target = run.steps[step - 1].escalateTarget else { continue }
                let answer = roster.flatMap { OnCallPings.answers(for: [target], roster: $0, at: now).first }
                if let answer { onCallLines.append("\(run.id) step \(step): \(answer.summary)") }
                deliveries.append(.ping(target: target, step: step, onCall: answer))
            case .askExpectation(let step): deliveries.append(.askExpectation(step: step))
            case .finished: deliveries.append(.summary)
            }
        }
        let timeline = (transition.timeline + onCallLines).map { TimelineEntry(at: now, actor: actor, kind: .run, text: $0) }
        return RunChange(run: run, timeline: timeline, deliveries: deliveries)
    }

    /// Runs the body, turning refusals and failures into a reply that says nothing changed.
    private func replying(_ body: () async throws -> Reply) async -> Reply {
        do {
            return try await body()
        } catch let error as RunError {
            return Reply(refusal: .run(error.description))
        } catch let refusal as DeskRefusal {
            return Reply(refusal: refusal)
        } catch let damaged as DamagedRecordError {
            return Reply(refusal: .damaged(id: damaged.id))
        } catch {
            return Reply(refusal: .storeFailed("\(error)"))
        }
    }
}
