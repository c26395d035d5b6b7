import RunbookModel

/// The record of an incident, ready to become a postmortem: what happened and when, who was
/// pinged, the procedure runs, what was said inside and published outside, what failed to
/// deliver, and — the part that improves the runbook — follow-ups derived from the record.
/// Built as a neutral card: Markdown for the CLI, chat for the thread.
public struct Postmortem: Sendable {
    public var incident: Incident
    public var timeline: [TimelineEntry]
    public var deliveries: [DeliveryRecord]
    public var runs: [ProcedureRun]
    /// The runbook file the incident's chain came from, for follow-ups to name.
    public var runbookFile: String?
    /// Where each run's steps start in that file (`"<procedure id>#<step>"` → line), for
    /// follow-ups to point at.
    public var stepLines: [String: Int] = [:]

    public init(incident: Incident, timeline: [TimelineEntry], deliveries: [DeliveryRecord], runs: [ProcedureRun] = [], runbookFile: String? = nil) {
        self.incident = incident
        self.timeline = timeline
        self.deliveries = deliveries
        self.runs = runs
        self.runbookFile = runbookFile
    }

    /// The record with the runbook it was run from: its file and its steps' lines as loaded.
    public init(incident: Incident, timeline: [TimelineEntry], deliveries: [DeliveryRecord], runs: [ProcedureRun], runbook: Runbook?) {
        self.init(incident: incident, timeline: timeline, deliveries: deliveries, runs: runs, runbookFile: runbook?.sourceFile)
        for run in runs {
            for (index, step) in (runbook?.procedure(run.procedureID)?.steps ?? []).enumerated() {
                if let line = step.sourceLine { stepLines["\(run.procedureID)#\(index + 1)"] = line }
            }
        }
    }

    /// The incident's record as stored, with its runs, and the runbook its chain came from:
    /// what the thread's summary and `runbook-bot postmortem` both render.
    public static func record(of incident: Incident, store: any IncidentStore, runs: (any RunStore)?, library: RunbookLibrary) async throws -> Postmortem {
        Postmortem(
            incident: incident, timeline: try await store.timeline(incident.id), deliveries: try await store.deliveries(incident.id),
            runs: try await runs?.runs(incidentID: incident.id) ?? [], runbook: library.runbook(incident.policy.system)
        )
    }

    public func card(times: TimeFormatter, now: Timestamp) -> Card {
        var sections = [summary(times: times, now: now)]
        sections.append(Card.Section("Timeline", timeline.map { .bullet("\(times.format($0.at)) · \(actor: $0.actor) · \($0.text)") }))
        sections.append(escalations(times: times))
        if !runs.isEmpty { sections.append(Card.Section("Procedure runs", runs.flatMap(runItems))) }
        sections.append(updates(times: times))
        let failed = deliveries.filter { $0.status == .failed }
        if !failed.isEmpty {
            sections.append(Card.Section("Delivery failures", failed.map { .bullet("\($0.queue): \($0.lastError ?? "unknown error")") }))
        }
        let prompts = followUps()
        sections.append(Card.Section(
            "Runbook follow-ups",
            prompts.isEmpty ? [.text("Nothing in the record points at the runbook; say what you learned anyway.")] : prompts.map { .bullet(Card.Text($0)) }
        ))
        return Card(title: "Postmortem: \(incident.id) \(incident.title)", subtitle: "Incident · \(incident.policy.system)", sections: sections)
    }

    private func summary(times: TimeFormatter, now: Timestamp) -> Card.Section {
        var items: [Card.Item] = [
            .field("System", Card.Text(incident.policy.system)),
            .field("Failure mode", Card.Text(incident.failureModeTitle.map { "\($0) (\(incident.failureModeID ?? ""))" } ?? "none matched")),
            .field("Severity", Card.Text(incident.severity.rawValue)),
            .field("Declared", "\(times.format(incident.declaredAt)) by \(actor: incident.declaredBy)"),
        ]
        if let at = incident.acknowledgedAt {
            items.append(.field("Acknowledged", Card.Text("\(times.format(at)) (\(TimeFormatter.elapsed(from: incident.declaredAt, to: at)) after declaring)")))
        }
        if let at = incident.resolvedAt {
            items.append(.field("Resolved", Card.Text("\(times.format(at)) (\(TimeFormatter.elapsed(from: incident.declaredAt, to: at)) after declaring)")))
        } else {
            items.append(.field("Resolved", Card.Text("not yet (open for \(TimeFormatter.elapsed(from: incident.declaredAt, to: now)))")))
        }
        return Card.Section("Summary", items)
    }

    private func escalations(times: TimeFormatter) -> Card.Section {
        let reached = incident.policy.levels.prefix(incident.levelsReached)
        var items: [Card.Item] = reached.map { level in
            .bullet("Level \(level.level) (\(level.name)): \(level.targets.map(\.name).joined(separator: ", "))")
        }
        items += timeline.filter { $0.kind == .escalated || $0.kind == .paged }.map { .bullet("\(times.format($0.at)) · \($0.text)") }
        return Card.Section("Escalation (\(incident.levelsReached) of \(incident.policy.levels.count) levels reached)", items)
    }

    private func runItems(_ run: ProcedureRun) -> [Card.Item] {
        let summary = RunSummary(run)
        let header: Card.Text = "\(strong: run.id) \(run.procedureTitle): \(run.stepsEnded) of \(run.steps.count) steps"
        let steps = summary.steps.map { step -> Card.Item in
            let record = run.records[step.number - 1]
            var text = "\(step.title) — \(record.outcome.rawValue)"
            if let duration = step.duration { text += ", \(TimeFormatter.elapsed(duration))" }
            if let note = record.note { text += " (“\(note)”)" }
            if let choice = record.choice { text += "; chose “\(choice)”" }
            return .step(step.number, Card.Text(text), [])
        }
        return [.text(header)] + steps
    }

    private func updates(times: TimeFormatter) -> Card.Section {
        var items: [Card.Item] = timeline.filter { $0.kind == .update }.map { .bullet("\(times.format($0.at)) internal: \($0.text)") }
        items += timeline.filter { $0.kind == .published }.map { .bullet("\(times.format($0.at)) \($0.text)") }
        return Card.Section("Updates", items.isEmpty ? [.text("No status updates were posted.")] : items)
    }

    /// Concrete prompts, each naming the runbook file where the change would go.
    public func followUps() -> [String] {
        let file = runbookFile.map { " (\($0))" } ?? ""
        var prompts: [String] = []
        if incident.failureModeID == nil {
            prompts.append("The declaration “\(incident.title)” matched no failure mode: add one for it?\(file)")
        }
        if incident.levelsReached > 1 {
            let who = incident.policy.levels.first?.name ?? "level 1"
            prompts.append("Escalation went past level 1 (\(who)): were level 1's immediate actions not enough?\(file)")
        }
        /// The file and, when known, the step's line.
        func place(_ run: ProcedureRun, _ step: Int) -> String {
            guard let runbookFile, let line = stepLines["\(run.procedureID)#\(step)"] else { return file }
            return " (\(runbookFile):\(line))"
        }
        for run in runs {
            for (index, record) in run.records.enumerated() {
                if record.outcome == .skipped {
                    prompts.append("Step \(index + 1) of \(run.procedureID) was skipped\(record.note.map { ": “\($0)”" } ?? "") — still right?\(place(run, index + 1))")
                }
                if record.outcome == .current, !run.steps[index].decisions.isEmpty {
                    prompts.append("Step \(index + 1) of \(run.procedureID) stopped at a decision nobody took: is the choice clear enough?\(place(run, index + 1))")
                }
            }
            for slow in RunSummary(run).slowerThanWatched {
                prompts.append("Step \(slow.number) of \(run.procedureID) took far longer than its watch_for: update the timing?\(place(run, slow.number))")
            }
        }
        let unreachable = incident.policy.levels.prefix(incident.levelsReached).flatMap(\.targets).filter { $0.chat == nil }
        for target in Set(unreachable.map(\.name)).sorted() {
            prompts.append("\(target) was pinged but has no Slack id: add their slack: field?\(file)")
        }
        return prompts
    }
}

extension Postmortem {
    /// The summary for the incident's thread: plain lines, short enough to read in chat.
    public func threadSummary(times: TimeFormatter, now: Timestamp) -> String {
        var lines = ["📝 Postmortem summary: \(incident.id) \(incident.title)"]
        lines.append("Failure mode: \(incident.failureModeTitle ?? "none matched") · severity \(incident.severity.rawValue)")
        var timing = "Declared \(times.format(incident.declaredAt))"
        if let at = incident.acknowledgedAt { timing += " · acknowledged after \(TimeFormatter.elapsed(from: incident.declaredAt, to: at))" }
        timing += incident.resolvedAt.map { " · resolved after \(TimeFormatter.elapsed(from: incident.declaredAt, to: $0))" }
            ?? " · still open after \(TimeFormatter.elapsed(from: incident.declaredAt, to: now))"
        lines.append(timing)
        lines.append("Escalation: \(incident.levelsReached) of \(incident.policy.levels.count) levels reached")
        for run in runs {
            let took = run.finishedAt.map { "finished in \(TimeFormatter.elapsed(from: run.startedAt, to: $0))" } ?? "not finished"
            let skipped = run.records.filter { $0.outcome == .skipped }.count
            lines.append("\(run.id) \(run.procedureTitle): \(run.stepsEnded) of \(run.steps.count) steps, \(took)\(skipped > 0 ? ", \(skipped) skipped" : "")")
        }
        let prompts = followUps()
        if prompts.isEmpty {
            lines.append("Runbook follow-ups: none derived from the record; say what you learned anyway.")
        } else {
            lines.append("Runbook follow-ups:")
            lines += prompts.prefix(10).map { "• \($0)" }
            if prompts.count > 10 { lines.append("• … and \(prompts.count - 10) more") }
        }
        lines.append("The whole document: runbook-bot postmortem \(incident.id)")
        return lines.joined(separator: "\n")
    }
}
