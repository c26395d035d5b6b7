/// Something to do at a wall-clock instant that must survive restarts: a run's watch
/// running out, an on-call handoff. Keyed, so setting a timer again moves it instead of
/// adding a second one; `kind` says which handler fires it, `payload` what it is about.
public struct DurableTimer: Hashable, Sendable {
    public var key: String
    public var dueAt: Timestamp
    public var kind: String
    public var payload: String

    public init(key: String, dueAt: Timestamp, kind: String, payload: String) {
        self.key = key
        self.dueAt = dueAt
        self.kind = kind
        self.payload = payload
    }
}

/// Where durable timers are kept. A timer fires exactly once when its handler's change and
/// the timer's removal are one transaction (as a run's watch timer is, saved with the run),
/// or when the handler's change is idempotent: a timer whose removal was lost to a crash
/// fires again after the restart and finds nothing left to do.
public protocol TimerStore: Sendable {
    /// Sets (or moves) the timer with this key.
    func setTimer(_ timer: DurableTimer) async throws
    func cancelTimer(_ key: String) async throws
    /// The earliest due time of any timer.
    func nextTimerDue() async throws -> Timestamp?
    /// Timers due at or before `now`, earliest first, at most `limit`.
    func dueTimers(at now: Timestamp, limit: Int) async throws -> [DurableTimer]
    /// Removes the timer if it is still the one that fell due (not moved since).
    func finishTimer(_ timer: DurableTimer) async throws
}

/// Fires the timers of one `kind`. Throwing leaves the timer in place, tried again later.
public protocol DurableTimerHandler: Sendable {
    var kind: String { get }
    func fire(_ timer: DurableTimer, at now: Timestamp) async throws
}
