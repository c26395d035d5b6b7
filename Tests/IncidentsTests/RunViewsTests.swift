import Incidents
import RunbookModel
import Testing

/// Reading run commands, the checklist a run shows, and the warnings the drill record gives.
struct RunViewsTests {
    static let times = TimeFormatter(timeZoneIdentifier: "UTC")

    @Test func runCommandsAreReadInOnePlace() {
        #expect(RunCommand(text: "run unblock INC-3") == .start(query: "unblock", incidentID: "INC-3"))
        #expect(RunCommand(text: "run replay backlog") == .start(query: "replay backlog", incidentID: nil))
        #expect(RunCommand(text: "step done replayed 40%") == .step(.done(note: "replayed 40%"), runID: nil))
        #expect(RunCommand(text: "step RUN-4 skip not needed") == .step(.skip(note: "not needed"), runID: "RUN-4"))
        #expect(RunCommand(text: "step skip run-4") == .step(.skip(note: nil), runID: "RUN-4"))
        #expect(RunCommand(text: "step choose 2") == .step(.choose(2), runID: nil))
        #expect(RunCommand(text: "step escalate") == .step(.escalate, runID: nil))
        #expect(RunCommand(text: "step") == .step(.show, runID: nil))
        #expect(RunCommand(text: "drill lambda-timeout") == .drill(query: "lambda-timeout"))
        #expect(RunCommand(text: "drills") == .drills)
        #expect(RunCommand(text: "timeout") == nil, "an ordinary lookup")
        if case .usage = RunCommand(text: "step choose two") {} else { Issue.record("a decision must be a number") }
        if case .usage = RunCommand(text: "run") {} else { Issue.record("run needs a procedure") }
        if case .usage = RunCommand(text: "step dance") {} else { Issue.record("unknown step action") }
    }

    @Test func buttonsNameTheStepTheyWereShownOn() {
        #expect(RunButton(actionID: RunButton.doneID, value: "RUN-3@2") == .act(runID: "RUN-3", step: 2, .done(note: nil)))
        #expect(RunButton(actionID: RunButton.chooseID, value: "RUN-3@2#1") == .act(runID: "RUN-3", step: 2, .choose(1)))
        #expect(RunButton(actionID: RunButton.startID, value: "INC-1|unblock-after-outage") == .start(incidentID: "INC-1", procedureID: "unblock-after-outage"))
        for hostile in ["", "RUN-3", "RUN-x@1", "RUN-3@0", "RUN-3@99999999999", "@@", "RUN-3@1#"] {
            #expect(RunButton(actionID: RunButton.chooseID, value: hostile) == nil, "\(hostile)")
        }
        #expect(RunButton(actionID: RunButton.startID, value: "nope|x") == nil)
    }

    @Test func theChecklistShowsEveryStepsStateWhoActedAndTheCurrentStepInFull() throws {
        var run = RunMachineTests.started()
        run = try RunMachine.apply(.done(note: nil), to: run, by: "U0SAM", at: RunMachineTests.at(120)).run
        let card = RunChecklist.card(run, now: RunMachineTests.at(180), times: Self.times)
        let text = PlainTextRenderer.render(card)
        #expect(card.title == "RUN-1 · Replay the backlog")
        #expect(text.contains("1 of 4 steps · 3m · in progress"))
        #expect(text.contains("✓ Count the stuck invoices · U0SAM · 2m"))
        #expect(text.contains("▶ Replay in small batches — current · 1m so far"))
        #expect(text.contains("Watch: the step's effect for 5m") && text.contains("Expect: queue depth falls"))
        #expect(text.contains("○ Replay everything"))
        #expect(card.buttons.map(\.label) == ["Done", "Skip", "Escalate to platform-lead"])
        #expect(card.buttons.allSatisfy { $0.value == "RUN-1@2" })

        let drill = RunMachineTests.started(.drill)
        let drillCard = RunChecklist.card(drill, now: RunMachineTests.at(0), times: Self.times)
        #expect(drillCard.title.hasPrefix("DRILL · RUN-1"))
        #expect(drillCard.buttons.map(\.action).filter { $0 == RunButton.chooseID }.count == 2, "one button per decision")
    }

    @Test func theDrillRecordWarnsAboutProceduresNeverOrLongAgoDrilledAndSlowSteps() throws {
        let library = RunbookLibrary(runbooks: [SampleProcedures.runbook])
        let now = RunMachineTests.at(0)
        #expect(DrillWarnings.warnings(library: library, drills: [], now: now, times: Self.times)
            == ["runbooks/fast.yaml: procedure replay-backlog has never been drilled: rehearse it with /runbook drill replay-backlog"])

        // A drill 100 days ago, whose watched step took 12 minutes against a 5-minute watch.
        let start = now.adding(seconds: -100 * 86_400)
        var drill = RunMachine.start(RunMachineTests.procedure, system: "fast", kind: .drill, incidentID: nil, channel: "C0",
                                     number: 1, by: "U0ALEX", at: start).run
        for (action, second) in [(RunAction.done(note: nil), 60), (.done(note: nil), 780), (.done(note: nil), 800), (.done(note: nil), 820)] {
            drill = try RunMachine.apply(action, to: drill, by: "U0ALEX", at: start.adding(seconds: second)).run
        }
        let warnings = DrillWarnings.warnings(library: library, drills: [drill], now: now, times: Self.times)
        #expect(warnings.count == 2)
        #expect(warnings[0].contains("replay-backlog was last drilled 99 days ago") || warnings[0].contains("replay-backlog was last drilled 100 days ago"))
        #expect(warnings[1].contains("step 2 of replay-backlog (Replay in small batches) took 12m in its last drill (RUN-1), far longer than its watch_for of 5m"))

        // A recent drill clears both.
        let recent = drill.withTimes(shiftedBy: 95 * 86_400, stepSeconds: 60)
        #expect(DrillWarnings.warnings(library: library, drills: [drill, recent], now: now, times: Self.times).isEmpty)
    }
}

/// The run machine's procedure in a runbook, for warnings that name it.
enum SampleProcedures {
    static let runbook = Runbook(
        system: SystemInfo(id: "fast", title: "Fast", updated: CalendarDate(year: 2026, month: 1, day: 1)!, reviewed: CalendarDate(year: 2026, month: 1, day: 1)!, owner: "oncall"),
        overview: Overview(purpose: "test", components: []), dependencies: [], failureModes: [],
        procedures: [RunMachineTests.procedure], escalation: EscalationPolicy(runsWhile: .unresolved, levels: []), contacts: [],
        sourceFile: "runbooks/fast.yaml"
    )
}

extension ProcedureRun {
    /// The same run, later, every step taking `stepSeconds`.
    func withTimes(shiftedBy seconds: Int, stepSeconds: Int) -> ProcedureRun {
        var run = self
        run.number += 1
        run.startedAt = startedAt.adding(seconds: seconds)
        for index in run.records.indices {
            run.records[index].startedAt = run.startedAt.adding(seconds: index * stepSeconds)
            run.records[index].endedAt = run.startedAt.adding(seconds: (index + 1) * stepSeconds)
        }
        run.finishedAt = run.startedAt.adding(seconds: run.records.count * stepSeconds)
        return run
    }
}

/// Follow-ups point at the line of the step in the runbook file.
struct StepLinesTests {
    @Test func aSkippedStepsFollowUpNamesItsLine() throws {
        var run = RunMachineTests.started()
        run = try RunMachine.apply(.skip(note: "not needed"), to: run, by: "U0ALEX", at: RunMachineTests.at(30)).run
        let declaration = IncidentMachine.Declaration(
            title: "t", severity: .sev2, channel: "C0", declaredBy: "U0", failureModeID: "lambda-timeout", failureModeTitle: "Lambda timeout",
            policy: PolicySnapshot(system: "fast", runsWhile: .unresolved, levels: [])
        )
        let incident = IncidentMachine.declare(declaration, number: 1, at: RunMachineTests.at(0)).incident
        var postmortem = Postmortem(incident: incident, timeline: [], deliveries: [], runs: [run], runbookFile: "runbooks/fast.yaml")
        postmortem.stepLines = ["replay-backlog#1": 42]
        #expect(postmortem.followUps().contains("Step 1 of replay-backlog was skipped: “not needed” — still right? (runbooks/fast.yaml:42)"))
    }
}
