@testable import BotServer
import GRDB
import Incidents
import Logging
import RunbookModel
import Storage
import TestSupport
import Testing

/// A run's watch timer on the scheduler, on the test clock: it fires when the watch runs out,
/// once, even when the bot was down past it and even when a restart finds it again.
struct RunTimerTests {
    struct Rig {
        let clock = TestClock()
        let store: SQLiteIncidentStore
        let runs: RunDesk
        let scheduler: EscalationScheduler
        let logs = LogRecorder()

        init(database: DatabaseQueue) throws {
            let (library, settings) = try ProcedureRunbook.load()
            store = try SQLiteIncidentStore(database: database, clock: clock)
            let desk = IncidentDesk(store: store, library: library, settings: settings, clock: clock, pagerDutyEnabled: false, runs: store)
            runs = RunDesk(store: store, incidents: desk)
            let timers = DurableTimers(store: store, handlers: [RunWatchTimerHandler(runs: runs)], logger: logs.logger())
            scheduler = EscalationScheduler(
                store: store, clock: clock, routing: DeliveryRouting(statusChannels: [], pagerDutyEnabled: false),
                wakeup: Wakeup(clock: clock), outbox: Wakeup(clock: clock), logger: logs.logger(), timers: timers
            )
        }

        /// The questions the run has queued about its watch.
        func asks(_ database: DatabaseQueue) throws -> Int {
            try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run_outbox WHERE body LIKE '%askExpectation%'") ?? 0 }
        }
    }

    @Test func aWatchTimerOverdueAtStartFiresOnceAcrossRestarts() async throws {
        let database = try DatabaseQueue()
        let rig = try Rig(database: database)
        #expect(await rig.runs.handle(.drill(query: "replay-backlog"), actor: "U0ALEX", channel: "C0DRILL").succeeded)
        #expect(await rig.runs.handle(.step(.done(note: nil), runID: nil), actor: "U0ALEX", channel: "C0DRILL").succeeded)
        // Step 2 watches for 5 minutes: its timer is saved with the run.
        let deadline = rig.clock.now().adding(seconds: 300)
        #expect(try await rig.store.nextTimerDue() == deadline)
        #expect(try await rig.store.run("RUN-1")?.watchDeadline == deadline)

        // Not yet due: nothing fires.
        try await rig.scheduler.fireDue()
        #expect(try rig.asks(database) == 0)

        // The bot was down past the deadline; the first pass after the restart fires it.
        rig.clock.advance(by: .seconds(900))
        let restarted = try Rig(database: database)
        restarted.clock.advance(to: rig.clock.now())
        try await restarted.scheduler.fireDue()
        #expect(try restarted.asks(database) == 1)
        #expect(try await restarted.store.nextTimerDue() == nil)
        #expect(try await restarted.store.run("RUN-1")?.awaitsExpectation == true)

        // A crash between the run's commit and the timer's removal leaves the timer behind:
        // firing it again finds the watch already answered for, and asks nothing more.
        try await restarted.store.setTimer(DurableTimer(key: "run-watch:RUN-1", dueAt: deadline, kind: ProcedureRun.watchTimerKind, payload: "RUN-1"))
        try await restarted.scheduler.fireDue()
        try await restarted.scheduler.fireDue()
        #expect(try restarted.asks(database) == 1)
        #expect(try await restarted.store.nextTimerDue() == nil)

        // The answer moves the run on; the next step has no watch, so no timer.
        #expect(await restarted.runs.handle(.act(runID: "RUN-1", step: 2, .expectationHeld), actor: "U0SAM", channel: "C0DRILL").succeeded)
        #expect(try await restarted.store.run("RUN-1")?.current == 2)
        #expect(try await restarted.store.nextTimerDue() == nil)
    }

    @Test func aWatchForARunThatIsGoneIsDoneWith() async throws {
        let database = try DatabaseQueue()
        let rig = try Rig(database: database)
        try await rig.store.setTimer(DurableTimer(key: "run-watch:RUN-9", dueAt: rig.clock.now(), kind: ProcedureRun.watchTimerKind, payload: "RUN-9"))
        try await rig.scheduler.fireDue()
        #expect(try await rig.store.nextTimerDue() == nil)
        #expect(try rig.asks(database) == 0)
    }
}
