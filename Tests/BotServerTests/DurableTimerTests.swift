@testable import BotServer
import Foundation
import GRDB
import Incidents
import Logging
import Storage
import Synchronization
import TestSupport
import Testing

/// Keyed durable timers on the escalation scheduler, on the test clock: due timers fire, a
/// timer overdue at start fires once, moved timers fire at their new time, and nothing spins.
struct DurableTimerTests {
    /// Records what it fired; fails while `failing` is set.
    final class Recorder: DurableTimerHandler {
        let kind = "test-reminder"
        private let state = Mutex<(fired: [String], failing: Bool)>(([], false))

        var fired: [String] { state.withLock { $0.fired } }
        func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }

        func fire(_ timer: DurableTimer, at now: Timestamp) async throws {
            try state.withLock { state in
                if state.failing { throw CancellationError() }
                state.fired.append(timer.payload)
            }
        }
    }

    struct Rig {
        let clock = TestClock()
        let store: SQLiteIncidentStore
        let recorder = Recorder()
        let logs = LogRecorder()

        init(database: DatabaseQueue) throws {
            store = try SQLiteIncidentStore(database: database, clock: clock)
        }

        var scheduler: EscalationScheduler {
            EscalationScheduler(
                store: store, clock: clock, routing: DeliveryRouting(statusChannels: [], pagerDutyEnabled: false),
                wakeup: Wakeup(clock: clock), outbox: Wakeup(clock: clock), logger: logs.logger(),
                timers: DurableTimers(store: store, handlers: [recorder], logger: logs.logger())
            )
        }

        func timer(_ key: String, in seconds: Int) -> DurableTimer {
            DurableTimer(key: key, dueAt: clock.now().adding(seconds: seconds), kind: recorder.kind, payload: key)
        }
    }

    @Test func dueTimersFireOnceAndMovedTimersFireAtTheirNewTime() async throws {
        let rig = try Rig(database: DatabaseQueue())
        try await rig.store.setTimer(rig.timer("a", in: 60))
        try await rig.store.setTimer(rig.timer("b", in: 120))
        // Setting "b" again moves it instead of adding a second one.
        try await rig.store.setTimer(rig.timer("b", in: 30))
        #expect(try await rig.store.nextTimerDue() == rig.clock.now().adding(seconds: 30))

        try await rig.scheduler.fireDue()
        #expect(rig.recorder.fired.isEmpty)
        rig.clock.advance(by: .seconds(30))
        try await rig.scheduler.fireDue()
        #expect(rig.recorder.fired == ["b"])
        rig.clock.advance(by: .seconds(30))
        try await rig.scheduler.fireDue()
        try await rig.scheduler.fireDue()
        #expect(rig.recorder.fired == ["b", "a"], "each fires once")
        #expect(try await rig.store.nextTimerDue() == nil)

        // A cancelled timer never fires.
        try await rig.store.setTimer(rig.timer("c", in: 10))
        try await rig.store.cancelTimer("c")
        rig.clock.advance(by: .seconds(60))
        try await rig.scheduler.fireDue()
        #expect(rig.recorder.fired == ["b", "a"])
    }

    @Test func aTimerOverdueAtStartFiresOnceOnTheFirstPass() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("timers-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/incidents.sqlite"
        let clock = TestClock()
        do {
            let store = try SQLiteIncidentStore(path: path, clock: clock)
            try await store.setTimer(DurableTimer(key: "handoff", dueAt: clock.now().adding(seconds: 60), kind: "test-reminder", payload: "handoff"))
        }
        // The bot was down for an hour; it starts on the same file.
        clock.advance(by: .seconds(3600))
        let store = try SQLiteIncidentStore(path: path, clock: clock)
        let recorder = Recorder()
        let logs = LogRecorder()
        let scheduler = EscalationScheduler(
            store: store, clock: clock, routing: DeliveryRouting(statusChannels: [], pagerDutyEnabled: false),
            wakeup: Wakeup(clock: clock), outbox: Wakeup(clock: clock), logger: logs.logger(),
            timers: DurableTimers(store: store, handlers: [recorder], logger: logs.logger())
        )
        try await running(scheduler) {
            #expect(await eventually { recorder.fired == ["handoff"] })
            // Then it sleeps with nothing left to fire.
            #expect(await eventually { (try? await store.nextTimerDue()) == nil && clock.sleepers.isEmpty })
        }
        #expect(recorder.fired == ["handoff"])
    }

    @Test func aFailingHandlerIsTriedLaterAndUnknownKindsAreDropped() async throws {
        let rig = try Rig(database: DatabaseQueue())
        let now = rig.clock.now()
        try await rig.store.setTimer(DurableTimer(key: "mystery", dueAt: now, kind: "from-a-newer-bot", payload: ""))
        try await rig.store.setTimer(rig.timer("flaky", in: 0))
        rig.recorder.fail(true)
        try await rig.scheduler.fireDue()
        #expect(rig.logs.all.contains { $0.message == "timer of an unknown kind dropped" })
        // Not fired, not lost: moved 30 s on, so a failing handler is not called in a loop.
        #expect(try await rig.store.dueTimers(at: now.adding(seconds: 3600), limit: 10).map(\.key) == ["flaky"])
        #expect(try await rig.store.nextTimerDue() == now.adding(seconds: 30))
        rig.recorder.fail(false)
        rig.clock.advance(by: .seconds(30))
        try await rig.scheduler.fireDue()
        #expect(rig.recorder.fired == ["flaky"])
    }

    @Test func theSchedulerSleepsUntilTheEarlierOfADeadlineAndATimer() async throws {
        let rig = try Rig(database: DatabaseQueue())
        let due = rig.clock.now().adding(seconds: 42)
        try await rig.store.setTimer(rig.timer("soon", in: 42))
        try await running(rig.scheduler) {
            #expect(await eventually { rig.clock.sleepers.contains(due) })
        }
    }
}
