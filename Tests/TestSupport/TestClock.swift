import Incidents
import Synchronization

/// A clock that moves only when a test says so. Sleepers wake when `advance` passes their
/// deadline; `sleepers` shows who is parked and until when, so a test can wait for the
/// state "the scheduler is asleep until T" instead of sleeping itself.
public final class TestClock: BotClock {
    private struct State {
        var now: Timestamp
        var nextID: UInt64 = 0
        var sleepers: [UInt64: (deadline: Timestamp, continuation: CheckedContinuation<Void, any Error>)] = [:]
        /// Sleepers cancelled before they could register.
        var cancelled: Set<UInt64> = []
    }

    private let state: Mutex<State>

    public init(now: Timestamp = Timestamp(milliseconds: 1_780_000_000_000)) {
        state = Mutex(State(now: now))
    }

    public func now() -> Timestamp {
        state.withLock { $0.now }
    }

    /// The deadlines of everyone asleep on this clock, earliest first.
    public var sleepers: [Timestamp] {
        state.withLock { $0.sleepers.values.map(\.deadline).sorted() }
    }

    public func sleep(until deadline: Timestamp) async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = (deadline, continuation)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                guard let sleeper = state.sleepers.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return nil as CheckedContinuation<Void, any Error>?
                }
                return sleeper.continuation
            }
            sleeper?.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes everyone whose deadline has come.
    public func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        advance(to: now().adding(milliseconds: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }

    public func advance(to instant: Timestamp) {
        let due = state.withLock { state in
            state.now = max(state.now, instant)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }
}
