import Incidents
import Logging

/// Fires durable timers for the escalation scheduler: each due timer goes to the handler
/// of its kind, then is removed unless it was moved meanwhile. A handler that fails leaves
/// its timer to be tried again after `retry`; a timer of an unknown kind is dropped and
/// logged. So no timer is fired in a tight loop, whatever happens.
struct DurableTimers: Sendable {
    let store: any TimerStore
    let handlers: [String: any DurableTimerHandler]
    let logger: Logger
    var retry: Duration = .seconds(30)
    /// Timers fired per pass; the scheduler comes straight back for more.
    var batch = 100

    init(store: any TimerStore, handlers: [any DurableTimerHandler], logger: Logger) {
        self.store = store
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
    }

    func nextDue() async throws -> Timestamp? {
        try await store.nextTimerDue()
    }

    /// Fires every timer due at `now`; true when any fired.
    func fireDue(at now: Timestamp) async throws -> Bool {
        var fired = false
        for timer in try await store.dueTimers(at: now, limit: batch) {
            guard let handler = handlers[timer.kind] else {
                logger.error("timer of an unknown kind dropped", metadata: ["key": "\(timer.key)", "kind": "\(timer.kind)"])
                try await store.finishTimer(timer)
                continue
            }
            do {
                try await handler.fire(timer, at: now)
                try await store.finishTimer(timer)
                fired = true
                logger.info("timer fired", metadata: ["key": "\(timer.key)", "kind": "\(timer.kind)"])
            } catch {
                // A handler that knows when to come back (Slack's Retry-After) says so; never sooner than a second.
                let wait = (error as? TryTimerLater).map { max($0.after, .seconds(1)) } ?? retry
                var later = timer
                later.dueAt = now.adding(wait)
                try await store.setTimer(later)
                logger.error("timer failed; tried again later", metadata: ["key": "\(timer.key)", "error": "\(error)", "in": "\(wait)"])
            }
        }
        return fired
    }
}

/// Thrown by a handler to be fired again after `after` rather than the default wait.
struct TryTimerLater: Error, CustomStringConvertible {
    var after: Duration
    var reason: String

    var description: String { reason }
}
