@testable import BotServer
import Testing

struct SeenEventsTests {
    @Test func remembersUpToCapacityThenForgetsTheOldestFirst() {
        let seen = SeenEvents(capacity: 3)
        #expect(["a", "b", "c"].allSatisfy(seen.firstTime))
        #expect(!seen.firstTime("a"))
        #expect(seen.firstTime("d"))  // "a" is forgotten to make room
        #expect(seen.firstTime("a"))  // …so it counts as new again, and "b" goes
        #expect(seen.firstTime("b"))
        #expect(!seen.firstTime("d"))
    }
}
