@testable import BotServer
import Incidents
import TestSupport
import Testing

/// The scheduler against a test clock: it sleeps until the next deadline, fires each level
/// once when time reaches it, wakes early when a command moves a deadline, and catches up
/// after downtime in one transaction per incident.
struct EscalationSchedulerTests {
    @Test func eachLevelFiresOnceWhenTimeReachesIt() async throws {
        let rig = try IncidentRig()
        let start = rig.clock.now()
        await rig.declare()
        try await running(rig.scheduler) {
            // Asleep until level 2, 60 s after the start, having fired nothing early.
            #expect(await eventually { rig.clock.sleepers.contains(start.adding(seconds: 60)) })
            #expect(try await rig.levelsNotified() == [1])

            rig.clock.advance(by: .seconds(60))
            #expect(await eventually { rig.clock.sleepers.contains(start.adding(seconds: 120)) })
            #expect(try await rig.levelsNotified() == [1, 2])
            #expect(try await rig.store.timeline("INC-1").last?.text == "level 2 (Lead) reached: not resolved after 1m")

            rig.clock.advance(by: .seconds(60))
            #expect(await eventually { (try? await rig.store.nextDeadline()) == .some(nil) })
            #expect(try await rig.levelsNotified() == [1, 2, 3])
            let effects = try await rig.store.deliveries("INC-1").map(\.delivery.effect)
            #expect(effects.contains(.chainStopped(reason: .lastLevelReached)))
        }
    }

    @Test func aNewIncidentWakesTheSchedulerForItsDeadline() async throws {
        let rig = try IncidentRig()
        try await running(rig.scheduler) {
            // With nothing open the scheduler waits for a signal; the declaration is one.
            await rig.declare()
            #expect(await eventually { rig.clock.sleepers == [rig.clock.now().adding(seconds: 60)] })
        }
    }

    @Test func resolvingCancelsWhatWasScheduled() async throws {
        let rig = try IncidentRig()
        await rig.declare()
        try await running(rig.scheduler) {
            #expect(await eventually { !rig.clock.sleepers.isEmpty })
            _ = await rig.desk.handle(.resolve(id: "INC-1", note: nil), actor: "U0ALEX", channel: "C0INC")
            // Woken by the change, it finds no deadline left and stops sleeping on the clock.
            #expect(await eventually { rig.clock.sleepers.isEmpty })
            rig.clock.advance(by: .seconds(3600))
            try await rig.scheduler.fireDue()
            #expect(try await rig.levelsNotified() == [1])
        }
    }

    @Test func afterDowntimeOverdueLevelsFireTogetherOnce() async throws {
        let rig = try IncidentRig()
        await rig.declare()
        // The bot was down for ten minutes: levels 2 and 3 are both overdue.
        rig.clock.advance(by: .seconds(600))
        try await rig.scheduler.fireDue()
        #expect(try await rig.levelsNotified() == [1, 2, 3])
        try await rig.scheduler.fireDue()
        #expect(try await rig.levelsNotified() == [1, 2, 3], "a second pass fires nothing again")
        #expect(rig.logs.messages("scheduler: fired").count == 1)
    }
}
