import Foundation
import RunbookModel

/// What someone does to a run, typed (`/runbook step …`) or clicked.
public enum RunAction: Equatable, Sendable {
    case done(note: String?)
    case skip(note: String?)
    /// The decision with this number (1-based), as the step lists them.
    case choose(Int)
    case escalate
    /// The answer to "does the expected condition hold?" after a watch ran out.
    case expectationHeld
    case expectationFailed
}

/// What a change to a run means outside it.
public enum RunEffect: Equatable, Sendable {
    /// Post the checklist (at the start) or update it in place.
    case postChecklist
    case updateChecklist
    /// Ping this contact in the thread; in a drill, record that it would have been pinged.
    case escalate(contactID: String, step: Int)
    /// A watch ran out: ask whether the step's expectation holds.
    case askExpectation(step: Int)
    /// The last step ended: post the summary (for a drill, with its timings).
    case finished
}

public enum RunError: Error, Equatable, Sendable, CustomStringConvertible {
    case finished(String)
    case noSuchDecision(run: String, step: Int, count: Int)
    case noEscalation(run: String, step: Int)
    case notWaitingForAnAnswer(String)

    public var description: String {
        switch self {
        case .finished(let id): "\(id) is finished"
        case .noSuchDecision(let id, let step, let count):
            count == 0 ? "step \(step) of \(id) has no decisions" : "step \(step) of \(id) has decisions 1 to \(count)"
        case .noEscalation(let id, let step): "step \(step) of \(id) names no one to escalate to"
        case .notWaitingForAnAnswer(let id): "\(id) is not waiting for an answer about its watch"
        }
    }
}

/// A run's transitions. Pure: the time is a value, nothing is touched.
public enum RunMachine {
    public struct Transition: Equatable, Sendable {
        public var run: ProcedureRun
        /// One line per action, for the incident's timeline.
        public var timeline: [String]
        public var effects: [RunEffect]
    }

    /// A new run, its first step current.
    public static func start(
        _ procedure: Procedure, system: String, kind: ProcedureRun.Kind, incidentID: String?, channel: String,
        number: Int, by actor: String, at now: Timestamp
    ) -> Transition {
        var run = ProcedureRun(
            number: number, kind: kind, incidentID: incidentID, channel: channel, system: system,
            procedureID: procedure.id, procedureTitle: procedure.title, assumptions: procedure.assumptions,
            steps: procedure.steps.map(ProcedureRun.Step.init), records: procedure.steps.map { _ in ProcedureRun.Record() },
            current: nil, startedAt: now, startedBy: actor, finishedAt: nil, watchDeadline: nil
        )
        var effects: [RunEffect] = [.postChecklist]
        if run.steps.isEmpty {
            run.finishedAt = now
            effects.append(.finished)
        } else {
            enter(0, of: &run, at: now)
        }
        let what = kind == .drill ? "drill of" : "started"
        return Transition(run: run, timeline: ["\(run.id): \(what) \(procedure.title) (\(run.steps.count) steps)"], effects: effects)
    }

    public static func apply(_ action: RunAction, to run: ProcedureRun, by actor: String, at now: Timestamp) throws(RunError) -> Transition {
        guard let index = run.current else { throw .finished(run.id) }
        var run = run
        let step = index + 1
        switch action {
        case .done(let note), .skip(let note):
            let skipped = if case .skip = action { true } else { false }
            end(index, of: &run, outcome: skipped ? .skipped : .done, by: actor, note: note, at: now)
            let line = "\(run.id) step \(step) \(skipped ? "skipped" : "done")\(note.map { ": \($0)" } ?? "")"
            return advance(&run, to: index + 1, at: now, line: line)

        case .choose(let number):
            let decisions = run.steps[index].decisions
            guard decisions.indices.contains(number - 1) else {
                throw .noSuchDecision(run: run.id, step: step, count: decisions.count)
            }
            let decision = decisions[number - 1]
            run.records[index].choice = decision
            end(index, of: &run, outcome: .done, by: actor, note: nil, at: now)
            // A decision that names a step jumps there; any other moves on to the next step.
            let target = targetStep(in: decision, stepCount: run.steps.count).map { $0 - 1 } ?? index + 1
            return advance(&run, to: target, at: now, line: "\(run.id) step \(step): chose “\(decision)”")

        case .escalate:
            guard let contact = run.steps[index].escalateTo else { throw .noEscalation(run: run.id, step: step) }
            run.records[index].escalatedTo.append(contact)
            let line = run.kind == .drill
                ? "\(run.id) step \(step): would escalate to \(contact) (drill: nobody pinged)"
                : "\(run.id) step \(step): escalated to \(contact)"
            return Transition(run: run, timeline: [line], effects: [.escalate(contactID: contact, step: step), .updateChecklist])

        case .expectationHeld:
            guard run.records[index].outcome == .current, run.watchDeadline == nil, run.steps[index].watchForSeconds != nil else {
                throw .notWaitingForAnAnswer(run.id)
            }
            end(index, of: &run, outcome: .done, by: actor, note: "expected result seen", at: now)
            return advance(&run, to: index + 1, at: now, line: "\(run.id) step \(step): expectation held")

        case .expectationFailed:
            guard run.watchDeadline == nil, run.steps[index].watchForSeconds != nil else { throw .notWaitingForAnAnswer(run.id) }
            guard run.steps[index].escalateTo != nil else {
                return Transition(run: run, timeline: ["\(run.id) step \(step): expectation not met"], effects: [.updateChecklist])
            }
            return try apply(.escalate, to: run, by: actor, at: now)
        }
    }

    /// Fires the watch timer if it has run out: once, since it is cleared as it fires.
    public static func due(_ run: ProcedureRun, at now: Timestamp) -> Transition? {
        guard let deadline = run.watchDeadline, deadline <= now, let index = run.current else { return nil }
        var run = run
        run.watchDeadline = nil
        let line = "\(run.id) step \(index + 1): watched for \(RunbookDuration(seconds: run.steps[index].watchForSeconds ?? 0)); asking whether the expected result holds"
        return Transition(run: run, timeline: [line], effects: [.askExpectation(step: index + 1), .updateChecklist])
    }

    /// The step number (1-based) a decision's text sends the run to: "continue to step 2",
    /// "go to step 4", "→ step 3". Nil when it names none, or one the procedure lacks.
    public static func targetStep(in decision: String, stepCount: Int) -> Int? {
        let words = decision.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        for (index, word) in words.enumerated() where word == "step" && index + 1 < words.count {
            if let number = Int(words[index + 1]), (1...stepCount).contains(number) { return number }
        }
        return nil
    }

    // MARK: Moving

    private static func enter(_ index: Int, of run: inout ProcedureRun, at now: Timestamp) {
        run.current = index
        run.records[index].outcome = .current
        run.records[index].startedAt = now
        run.records[index].endedAt = nil
        run.watchDeadline = run.steps[index].watchForSeconds.map { now.adding(seconds: $0) }
    }

    private static func end(
        _ index: Int, of run: inout ProcedureRun, outcome: ProcedureRun.Record.Outcome, by actor: String, note: String?, at now: Timestamp
    ) {
        run.records[index].outcome = outcome
        run.records[index].endedAt = now
        run.records[index].actor = actor
        run.records[index].note = note?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        run.watchDeadline = nil
    }

    /// Makes `target` current, or finishes the run past the last step.
    private static func advance(_ run: inout ProcedureRun, to target: Int, at now: Timestamp, line: String) -> Transition {
        guard target < run.steps.count else {
            run.current = nil
            run.finishedAt = now
            let total = TimeFormatter.elapsed(from: run.startedAt, to: now)
            return Transition(run: run, timeline: [line, "\(run.id) finished in \(total)"], effects: [.updateChecklist, .finished])
        }
        enter(target, of: &run, at: now)
        return Transition(run: run, timeline: [line], effects: [.updateChecklist])
    }
}
