import Incidents
import RunbookModel
import Testing

/// A procedure run, step by step, on fixed instants: every action from the states it is
/// allowed in and refused in the others, decisions that jump, watch timers that fire once,
/// drills that ping nobody, and the summary a drill ends with.
struct RunMachineTests {
    static let start = Timestamp(milliseconds: 1_780_000_000_000)
    static func at(_ seconds: Int) -> Timestamp { start.adding(seconds: seconds) }

    static let procedure = Procedure(
        id: "replay-backlog", title: "Replay the backlog", assumptions: ["The parser is healthy again"],
        steps: [
            ProcedureStep(title: "Count the stuck invoices", command: "aws sqs get-queue-attributes …",
                          decisions: ["If > 1000: continue to step 3", "If fewer: carry on"]),
            ProcedureStep(title: "Replay in small batches", watchFor: RunbookDuration(seconds: 300),
                          expect: "queue depth falls", escalation: StepEscalation(condition: "depth grows", contact: "platform-lead")),
            ProcedureStep(title: "Replay everything", escalation: StepEscalation(condition: "errors > 5%", contact: "platform-lead")),
            ProcedureStep(title: "Tell finance"),
        ]
    )

    static func started(_ kind: ProcedureRun.Kind = .incident) -> ProcedureRun {
        RunMachine.start(procedure, system: "invoice-pipeline", kind: kind, incidentID: kind == .drill ? nil : "INC-1",
                         channel: "C0INC", number: 1, by: "U0ALEX", at: at(0)).run
    }

    @Test func startingPostsTheChecklistWithTheFirstStepCurrent() {
        let transition = RunMachine.start(Self.procedure, system: "invoice-pipeline", kind: .incident, incidentID: "INC-1",
                                          channel: "C0INC", number: 7, by: "U0ALEX", at: Self.at(0))
        #expect(transition.effects == [.postChecklist])
        #expect(transition.run.id == "RUN-7")
        #expect(transition.run.current == 0)
        #expect(transition.run.records.map(\.outcome) == [.current, .pending, .pending, .pending])
        #expect(transition.timeline == ["RUN-7: started Replay the backlog (4 steps)"])
    }

    @Test func aDecisionThatNamesAStepJumpsThereAndOthersMoveOn() throws {
        let jumped = try RunMachine.apply(.choose(1), to: Self.started(), by: "U0SAM", at: Self.at(60))
        #expect(jumped.run.current == 2, "“continue to step 3” goes to step 3")
        #expect(jumped.run.records[0].choice == "If > 1000: continue to step 3")
        #expect(jumped.run.records[0].outcome == .done && jumped.run.records[0].actor == "U0SAM")
        #expect(jumped.run.records[1].outcome == .pending)
        let onward = try RunMachine.apply(.choose(2), to: Self.started(), by: "U0SAM", at: Self.at(60))
        #expect(onward.run.current == 1)
        #expect(throws: RunError.noSuchDecision(run: "RUN-1", step: 1, count: 2)) {
            try RunMachine.apply(.choose(3), to: Self.started(), by: "U0SAM", at: Self.at(60))
        }
    }

    @Test func aWatchTimerFiresOnceAndItsAnswerMovesTheRun() throws {
        let second = try RunMachine.apply(.done(note: nil), to: Self.started(), by: "U0ALEX", at: Self.at(60)).run
        #expect(second.watchDeadline == Self.at(360))
        #expect(RunMachine.due(second, at: Self.at(359)) == nil)
        // Answering before the watch runs out is refused.
        #expect(throws: RunError.notWaitingForAnAnswer("RUN-1")) {
            try RunMachine.apply(.expectationHeld, to: second, by: "U0ALEX", at: Self.at(100))
        }
        let fired = try #require(RunMachine.due(second, at: Self.at(400)))
        #expect(fired.effects == [.askExpectation(step: 2), .updateChecklist])
        #expect(RunMachine.due(fired.run, at: Self.at(401)) == nil, "fires once")
        let held = try RunMachine.apply(.expectationHeld, to: fired.run, by: "U0SAM", at: Self.at(420))
        #expect(held.run.current == 2)
        #expect(held.run.records[1].note == "expected result seen")
        let failed = try RunMachine.apply(.expectationFailed, to: fired.run, by: "U0SAM", at: Self.at(420))
        #expect(failed.effects == [.escalate(contactID: "platform-lead", step: 2), .updateChecklist])
    }

    @Test func escalatingInADrillRecordsWhoWouldHaveBeenPinged() throws {
        let drill = try RunMachine.apply(.choose(1), to: Self.started(.drill), by: "U0ALEX", at: Self.at(30)).run
        let escalated = try RunMachine.apply(.escalate, to: drill, by: "U0ALEX", at: Self.at(40))
        #expect(escalated.run.records[2].escalatedTo == ["platform-lead"])
        #expect(escalated.timeline == ["RUN-1 step 3: would escalate to platform-lead (drill: nobody pinged)"])
        #expect(throws: RunError.noEscalation(run: "RUN-1", step: 1)) {
            try RunMachine.apply(.escalate, to: Self.started(.drill), by: "U0ALEX", at: Self.at(1))
        }
    }

    @Test func theLastStepFinishesTheRunAndNothingMoreIsAccepted() throws {
        var run = Self.started(.drill)
        run = try RunMachine.apply(.done(note: nil), to: run, by: "U0ALEX", at: Self.at(120)).run
        run = try RunMachine.apply(.skip(note: "not needed"), to: run, by: "U0ALEX", at: Self.at(180)).run
        run = try RunMachine.apply(.done(note: "all replayed"), to: run, by: "U0SAM", at: Self.at(900)).run
        let last = try RunMachine.apply(.done(note: nil), to: run, by: "U0SAM", at: Self.at(960))
        #expect(last.effects == [.updateChecklist, .finished])
        #expect(last.run.isFinished && last.run.finishedAt == Self.at(960))
        #expect(last.timeline.last == "RUN-1 finished in 16m")
        #expect(throws: RunError.finished("RUN-1")) { try RunMachine.apply(.done(note: nil), to: last.run, by: "U0SAM", at: Self.at(961)) }

        let summary = RunSummary(last.run)
        #expect(summary.total == .seconds(960))
        #expect(summary.steps.map(\.duration) == [.seconds(120), .seconds(60), .seconds(720), .seconds(60)])
        #expect(summary.slowest?.number == 3)
        #expect(summary.skipped.map(\.number) == [2] && summary.skipped.first?.note == "not needed")
        #expect(summary.decisions.isEmpty)
    }

    @Test func stepNumbersAreReadFromDecisionText() {
        #expect(RunMachine.targetStep(in: "If > 1000: continue to step 2", stepCount: 4) == 2)
        #expect(RunMachine.targetStep(in: "Otherwise go to Step 4.", stepCount: 4) == 4)
        #expect(RunMachine.targetStep(in: "go to step 9", stepCount: 4) == nil, "a step the procedure lacks")
        #expect(RunMachine.targetStep(in: "escalate to the lead", stepCount: 4) == nil)
    }
}
