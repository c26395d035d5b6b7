@testable import BotServer
import Incidents
import TestSupport
import Testing

/// The wait every loop uses: until a deadline on the clock, or a signal, whichever comes first.
struct WakeupTests {
    @Test func aSignalBeforeTheWaitIsNotLost() async {
        let wakeup = Wakeup(clock: TestClock())
        await wakeup.signal()
        await wakeup.wait(until: nil)  // returns at once: the signal was kept
    }

    @Test func theDeadlineEndsTheWaitWhenTheClockReachesIt() async {
        let clock = TestClock()
        let wakeup = Wakeup(clock: clock)
        let deadline = clock.now().adding(seconds: 90)
        let waiting = Task { await wakeup.wait(until: deadline) }
        #expect(await eventually { clock.sleepers == [deadline] })
        clock.advance(by: .seconds(90))
        await waiting.value
        #expect(clock.sleepers.isEmpty)
    }

    @Test func aSignalEndsTheWaitEarlyAndStopsItsTimer() async {
        let clock = TestClock()
        let wakeup = Wakeup(clock: clock)
        let waiting = Task { await wakeup.wait(until: clock.now().adding(seconds: 3600)) }
        #expect(await eventually { clock.sleepers.count == 1 })
        await wakeup.signal()
        await waiting.value
        #expect(await eventually { clock.sleepers.isEmpty }, "the timer is cancelled, not left sleeping")
    }
}
