import Incidents
import Logging
import ServiceLifecycle
import Synchronization

/// Fires escalations and reminders when they are due. It sleeps until the earliest deadline
/// in the store, and is woken early when a change may have moved that deadline. Each firing
/// is one transaction (state, timeline, outbox), so after a crash overdue escalations fire
/// once on start-up and nothing fires twice.
struct EscalationScheduler: Service {
    let store: any IncidentStore
    let clock: any BotClock
    let routing: DeliveryRouting
    let wakeup: Wakeup
    let outbox: Wakeup
    let logger: Logger
    /// Who rotations reach, asked when a due ping names one.
    var onCall: (any OnCallSource)?
    /// How long to wait before asking a failing store again.
    var storeRetry: Duration = .seconds(1)
    var metrics: BotMetrics?
    /// Keyed durable timers (run watches, …) fired by this same loop.
    var timers: DurableTimers?

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            // The deadline the last wait was for: once it has passed, the pass knows something
            // is due without asking the store again.
            // Likewise for timers: until the first pass, nothing is known about them.
            var awaited: Timestamp?
            var awaitedTimer: Timestamp?? = .none
            while !Task.isCancelled {
                do {
                    let timersDue = awaitedTimer.map { known in known.map { $0 <= clock.now() } ?? false } ?? true
                    try await fireDue(awaited: awaited, timersDue: timersDue)
                    let nextTimer = try await timers?.nextDue()
                    awaitedTimer = .some(nextTimer)
                    awaited = try await store.nextDeadline()
                    await wakeup.wait(until: [awaited, nextTimer].compactMap { $0 }.min())
                } catch is CancellationError {
                    break  // shutting down: the store stopped a read it was asked for
                } catch {
                    logger.error("scheduler: store failed; retrying", metadata: ["error": "\(error)", "in": "\(storeRetry)"])
                    try? await clock.sleep(for: storeRetry)
                }
            }
        }
    }

    /// Fires everything due now, one transaction per incident. On a shared database each
    /// incident is fired by whichever replica locks it first.
    /// `timersDue` false skips asking for due timers: none was due when the scheduler last
    /// looked, and a timer set since then is met on the next pass, which its own deadline
    /// starts at once.
    func fireDue(awaited: Timestamp? = nil, timersDue: Bool = true) async throws {
        let now = clock.now()
        let routing = routing
        // Each incident's deadline as it was before firing, for the lateness metric.
        let dueAt = Mutex<[String: Timestamp]>([:])
        var fired = false
        // Asked once per pass, before the transactions, and only when something is due: who
        // is on call now (which may mean asking PagerDuty).
        // Under a burst of deadlines, passes follow each other and the one awaited has always
        // passed: one round trip less before the first commit.
        let anythingDue = if let awaited, awaited <= now { true } else { try await store.nextDeadline().map { $0 <= now } ?? false }
        let roster = anythingDue ? await onCall?.roster(at: now) : nil
        try await store.updateDue(at: now) { incident in
            if let deadline = EscalationPlanner.nextDeadline(incident) { dueAt.withLock { $0[incident.id] = deadline } }
            return EscalationPlanner.due(incident, at: now).map { transition in
                routing.change(for: roster.map { OnCallPings.resolve(transition, roster: $0, at: now) } ?? transition)
            }
        } committed: { id, result in
            guard let change = result.saved else { return }
            fired = true
            if let due = dueAt.withLock({ $0.removeValue(forKey: id) }) { metrics?.escalation(lateness: due.duration(until: clock.now())) }
            let deadline = EscalationPlanner.nextDeadline(change.transition.incident).map { "\($0.milliseconds)" } ?? "none"
            logger.info("scheduler: fired", metadata: [
                "incident": "\(id)", "effects": "\(change.transition.effects.count)", "next_deadline_ms": "\(deadline)",
            ])
        }
        if let timers, timersDue, try await timers.fireDue(at: now) { fired = true }
        if fired { await outbox.signal() }
    }
}

extension EscalationScheduler: CustomStringConvertible {
    var description: String { "EscalationScheduler" }
}
