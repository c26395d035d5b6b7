@testable import BotServer
import Testing

/// The signature memory: a signature is refused a second time while its timestamp is in
/// the window, forgotten once it has left, and memory stays bounded.
struct ReplayGuardTests {
    /// Distinct in their first 128 bits, as real signatures are.
    static func signature(_ n: Int) -> String { "v0=" + String(format: "%016x", n) + String(repeating: "0", count: 48) }

    @Test func aSignatureIsAcceptedOnceWhileItsTimestampIsInTheWindow() {
        let replays = ReplayGuard()
        let first = Self.signature(1)
        #expect(replays.firstTime(signature: first, expires: 1_300, now: 1_000))
        #expect(!replays.firstTime(signature: first, expires: 1_300, now: 1_100))
        #expect(replays.firstTime(signature: Self.signature(2), expires: 1_300, now: 1_100))
        // Once its timestamp has left the window the signature check refuses it anyway;
        // the memory lets it go.
        #expect(replays.firstTime(signature: Self.signature(3), expires: 1_700, now: 1_400))
        #expect(replays.firstTime(signature: first, expires: 1_700, now: 1_400))
    }

    @Test func memoryIsBoundedOldestFirst() {
        let replays = ReplayGuard(capacity: 3)
        for n in 1...4 { #expect(replays.firstTime(signature: Self.signature(n), expires: 2_000, now: 1_000)) }
        // 1 was forgotten to make room for 4; 2 to 4 are still remembered.
        #expect(!replays.firstTime(signature: Self.signature(4), expires: 2_000, now: 1_000))
        #expect(replays.firstTime(signature: Self.signature(1), expires: 2_000, now: 1_000))
    }
}
