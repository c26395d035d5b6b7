import RunbookModel

/// The checklist message of a run, as neutral content: every step with its state (✓,
/// skipped, current, pending), who acted and how long it took, the current step expanded,
/// and the buttons for what can be done next. Posted once, then replaced after each action.
public enum RunChecklist {
    public static func card(_ run: ProcedureRun, now: Timestamp, times: TimeFormatter) -> Card {
        let drill = run.kind == .drill
        let title = "\(drill ? "DRILL · " : "")\(run.id) · \(run.procedureTitle)"
        let subtitle: Card.Text = drill
            ? "\(strong: "DRILL") — a timed rehearsal: nobody is pinged, nothing is paged"
            : "Procedure run · \(run.incidentID ?? "")"
        var sections: [Card.Section] = [Card.Section(nil, [.text(progress(run, now: now))])]
        if !run.assumptions.isEmpty {
            sections.append(Card.Section("Confirm first", run.assumptions.map { .bullet(Card.Text($0)) }))
        }
        sections.append(Card.Section("Steps", run.steps.indices.map { stepItem(run, $0, now: now) }))
        var card = Card(title: title, subtitle: subtitle, sections: sections)
        card.buttons = buttons(run)
        if let index = run.current {
            card.noteField = Card.NoteField(
                id: RunButton.noteFieldID(runID: run.id, step: index + 1), label: "Note (optional)",
                placeholder: "Sent with Done or Skip: what you saw, why you skipped"
            )
        }
        card.footer = run.isFinished
            ? ["Started \(times.format(run.startedAt)) by \(run.startedBy)"]
            : ["/runbook step \(run.id) done|skip [note] · choose <n> · escalate · show"]
        return card
    }

    /// "3 of 5 steps · 12 min", and how the run ended.
    public static func progress(_ run: ProcedureRun, now: Timestamp) -> Card.Text {
        let elapsed = TimeFormatter.elapsed(from: run.startedAt, to: run.finishedAt ?? now)
        let state = run.isFinished ? "finished" : (run.awaitsExpectation ? "waiting for an answer" : "in progress")
        return "\(strong: "\(run.stepsEnded) of \(run.steps.count) steps · \(elapsed)") · \(state)"
    }

    static func stepItem(_ run: ProcedureRun, _ index: Int, now: Timestamp) -> Card.Item {
        let step = run.steps[index]
        let record = run.records[index]
        var line: Card.Text
        switch record.outcome {
        case .done:
            line = "✓ \(step.title)"
        case .skipped:
            line = "⤼ \(step.title) — skipped"
        case .current:
            line = "▶ \(strong: step.title) — current"
        case .pending:
            line = "○ \(step.title)"
        }
        if let actor = record.actor { line = "\(line) · \(actor: actor)" }
        if let duration = record.duration {
            line = "\(line) · \(TimeFormatter.elapsed(duration))"
        } else if record.outcome == .current, let started = record.startedAt {
            line = "\(line) · \(TimeFormatter.elapsed(from: started, to: now)) so far"
        }
        if let note = record.note { line = "\(line) — “\(note)”" }
        if let choice = record.choice { line = "\(line) — chose “\(choice)”" }
        if !record.escalatedTo.isEmpty {
            let verb = run.kind == .drill ? "would have pinged" : "escalated to"
            line = "\(line) — \(verb) \(run.escalatedNames(step: index).joined(separator: ", "))"
        }
        return .step(index + 1, line, record.outcome == .current ? details(of: step, run: run) : [])
    }

    /// The current step expanded: details, the command, decisions, the watch, the expectation, escalation.
    public static func details(of step: ProcedureRun.Step, run: ProcedureRun) -> [Card.Item] {
        var items: [Card.Item] = []
        if let details = step.details { items.append(.text(Card.Text(details))) }
        if let command = step.command { items.append(.command(command.trimmingCharacters(in: .whitespacesAndNewlines))) }
        for (number, decision) in step.decisions.enumerated() {
            items.append(.field("Decision \(number + 1)", Card.Text(decision)))
        }
        if !step.watch.isEmpty || step.watchForSeconds != nil {
            let what = step.watch.isEmpty ? "the step's effect" : step.watch.joined(separator: ", ")
            let how = step.watchForSeconds.map { " for \(RunbookDuration(seconds: $0))" } ?? ""
            items.append(.field("Watch", Card.Text("\(what)\(how)")))
        }
        if let expect = step.expect { items.append(.field("Expect", Card.Text(expect))) }
        if let contact = step.escalateTo {
            let name = step.escalateTarget?.name ?? contact
            let when = step.escalateWhen.map { " when \($0)" } ?? ""
            items.append(.field("Escalate", Card.Text("to \(name)\(when)\(run.kind == .drill ? " (drill: recorded, nobody pinged)" : "")")))
        }
        return items
    }

    /// Done, Skip, one per decision and Escalate, for the current step; none once finished.
    static func buttons(_ run: ProcedureRun) -> [Card.Button] {
        guard let index = run.current else { return [] }
        let step = run.steps[index]
        let value = "\(run.id)@\(index + 1)"
        var buttons = [
            Card.Button("Done", action: RunButton.doneID, value: value, style: .primary),
            Card.Button("Skip", action: RunButton.skipID, value: value),
        ]
        // Slack allows 25 elements in one actions block; a decision label is cut to fit a button.
        for (number, decision) in step.decisions.prefix(20).enumerated() {
            buttons.append(Card.Button(label(decision), action: RunButton.chooseID, value: "\(value)#\(number + 1)"))
        }
        if let contact = step.escalateTo {
            buttons.append(Card.Button(label("Escalate to \(step.escalateTarget?.name ?? contact)"), action: RunButton.escalateID, value: value, style: .danger))
        }
        return buttons
    }

    /// Button labels are short: Slack cuts them at 75 characters.
    static func label(_ text: String) -> String {
        text.count <= 70 ? text : String(text.prefix(69)) + "…"
    }
}
