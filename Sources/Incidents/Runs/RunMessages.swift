import RunbookModel

/// What a run says besides its checklist, as neutral content: the ping of a step
/// escalation, the question after a watch, the summary at the end, and replies.
public enum RunMessages {
    /// A run's message in the thread: a card (with buttons) or a line of text.
    public enum Notice: Sendable, Equatable {
        case card(Card)
        case text(Card.Text)
    }

    /// The notice for one run delivery; nil for the checklist, which `RunChecklist` builds.
    public static func notice(for delivery: RunDelivery, run: ProcedureRun, now: Timestamp, times: TimeFormatter) -> Notice? {
        switch delivery {
        case .postChecklist, .updateChecklist:
            return .card(RunChecklist.card(run, now: now, times: times))
        case .ping(let target, let step, let onCall):
            let title = run.steps.indices.contains(step - 1) ? run.steps[step - 1].title : "step \(step)"
            let when = run.steps.indices.contains(step - 1) ? run.steps[step - 1].escalateWhen.map { " (the runbook says: escalate when \($0))" } ?? "" : ""
            return .text("🚨 \(strong: run.id) step \(step), “\(title)”, is escalated to \(IncidentNotice.reach(target, onCall: onCall.map { [$0] } ?? [], times: times))\(when). Please join the thread.")
        case .askExpectation(let step):
            guard run.steps.indices.contains(step - 1) else { return nil }
            let spec = run.steps[step - 1]
            let watched = spec.watchForSeconds.map { " for \(RunbookDuration(seconds: $0))" } ?? ""
            let expected = spec.expect ?? "the step worked"
            var card = Card(
                title: "\(run.kind == .drill ? "DRILL · " : "")\(run.id) step \(step): watched\(watched)",
                sections: [Card.Section(nil, [.text("Does this hold now? \(strong: expected)")])]
            )
            card.buttons = [
                Card.Button("Yes, done", action: RunButton.expectYesID, value: "\(run.id)@\(step)", style: .primary),
                Card.Button(spec.escalateTo == nil ? "No" : "No, escalate", action: RunButton.expectNoID, value: "\(run.id)@\(step)", style: .danger),
            ]
            return .card(card)
        case .summary:
            return .card(summary(run, times: times))
        }
    }

    /// What a finished run (a drill above all) says about itself.
    public static func summary(_ run: ProcedureRun, times: TimeFormatter) -> Card {
        let summary = RunSummary(run)
        let total = summary.total.map(TimeFormatter.elapsed) ?? "?"
        var sections: [Card.Section] = [Card.Section("Time per step", summary.steps.map { step in
            let time = step.duration.map(TimeFormatter.elapsed) ?? "not reached"
            let watch = step.watchFor.map { " (watch_for \(TimeFormatter.elapsed($0)))" } ?? ""
            return .step(step.number, Card.Text("\(step.title) — \(step.outcome.rawValue), \(time)\(watch)"), [])
        } + [.field("Total", Card.Text(total))])]
        if let slowest = summary.slowest, let duration = slowest.duration {
            sections.append(Card.Section("Slowest step", [.text(Card.Text("\(slowest.number). \(slowest.title): \(TimeFormatter.elapsed(duration))"))]))
        }
        if !summary.skipped.isEmpty {
            sections.append(Card.Section("Skipped", summary.skipped.map { .bullet(Card.Text("\($0.number). \($0.title)\($0.note.map { " — “\($0)”" } ?? " — no note")")) }))
        }
        if !summary.decisions.isEmpty {
            sections.append(Card.Section("Decisions", summary.decisions.map { .bullet(Card.Text("Step \($0.number): “\($0.choice)”")) }))
        }
        let escalations = run.records.enumerated().filter { !$0.element.escalatedTo.isEmpty }
        if !escalations.isEmpty {
            let verb = run.kind == .drill ? "would have pinged" : "escalated to"
            sections.append(Card.Section("Escalations", escalations.map { .bullet(Card.Text("Step \($0.offset + 1) \(verb) \(run.escalatedNames(step: $0.offset).joined(separator: ", "))")) }))
        }
        if let targets = targets(run) { sections.append(targets) }
        if !summary.slowerThanWatched.isEmpty {
            sections.append(Card.Section("Slower than the runbook says", summary.slowerThanWatched.map {
                .bullet(Card.Text("\($0.number). \($0.title) took \($0.duration.map(TimeFormatter.elapsed) ?? "?"), over twice its watch_for of \($0.watchFor.map(TimeFormatter.elapsed) ?? "?")"))
            }))
        }
        let what = run.kind == .drill ? "DRILL · \(run.id) finished" : "\(run.id) finished"
        return Card(title: "\(what): \(run.procedureTitle) in \(total)", subtitle: run.kind == .drill ? "Drill summary" : "Procedure run summary", sections: sections)
    }

    /// The article's targets — "5 minutes to identify the problem, 10 minutes to execute the
    /// fix" — beside the figures, for a run about a failure mode: identifying is the first
    /// step, the fix is the rest.
    static func targets(_ run: ProcedureRun) -> Card.Section? {
        guard run.failureModeID != nil, let finished = run.finishedAt else { return nil }
        let identify = run.records.first?.endedAt.map { run.startedAt.duration(until: $0) } ?? .zero
        let fix = run.records.first?.endedAt.map { $0.duration(until: finished) } ?? run.startedAt.duration(until: finished)
        func verdict(_ took: Duration, _ target: Duration) -> String { took <= target ? "within target" : "over target" }
        return Card.Section("Against the article's targets (\(run.failureModeTitle ?? run.failureModeID ?? ""))", [
            .field("Identify the problem", Card.Text("target 5m · this run \(TimeFormatter.elapsed(identify)) (step 1) · \(verdict(identify, .seconds(300)))")),
            .field("Execute the fix", Card.Text("target 10m · this run \(TimeFormatter.elapsed(fix)) (the other steps) · \(verdict(fix, .seconds(600)))")),
        ])
    }

    /// `/runbook drills`: the recent drills with each one's duration.
    public static func drillList(_ drills: [ProcedureRun], now: Timestamp, times: TimeFormatter) -> Card {
        guard !drills.isEmpty else {
            return Card(title: "No drills yet", sections: [Card.Section(nil, [.hint("Rehearse a procedure, timed", command: "/runbook drill <procedure or failure mode>")])])
        }
        return Card(title: "Recent drills", sections: [Card.Section(nil, drills.map { drill in
            let when = times.format(drill.startedAt)
            let how = drill.finishedAt.map { "finished in \(TimeFormatter.elapsed(from: drill.startedAt, to: $0))" }
                ?? "in progress, \(drill.stepsEnded) of \(drill.steps.count) steps, \(TimeFormatter.elapsed(from: drill.startedAt, to: now)) so far"
            return .bullet("\(strong: drill.id) \(drill.procedureTitle) (\(drill.system)/\(drill.procedureID)) · \(when) · \(how)")
        })])
    }

    /// `/runbook step show`: the run's progress and its current step.
    public static func stepCard(_ run: ProcedureRun, now: Timestamp) -> Card {
        guard let index = run.current else {
            return Card(title: "\(run.id) is finished", sections: [Card.Section(nil, [.text(RunChecklist.progress(run, now: now))])])
        }
        let step = run.steps[index]
        var card = Card(title: "\(run.id) step \(index + 1) of \(run.steps.count): \(step.title)", sections: [
            Card.Section(nil, [.text(RunChecklist.progress(run, now: now))] + RunChecklist.details(of: step, run: run)),
        ])
        card.buttons = RunChecklist.buttons(run)
        return card
    }

    /// The runs of an incident, for `/incident show`.
    public static func runLines(_ runs: [ProcedureRun], now: Timestamp) -> [Card.Item] {
        runs.map { run in
            let at = run.current.map { " · on step \($0 + 1): \(run.steps[$0].title)" } ?? ""
            return .bullet("\(strong: run.id) \(run.procedureTitle): \(RunChecklist.progress(run, now: now))\(at)")
        }
    }
}
