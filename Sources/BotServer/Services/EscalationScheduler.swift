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
            // What the last wait was for; nothing is known before the first pass.
            var awaited: Awaited?
            while !Task.isCancelled {
                do {
                    try await fireDue(after: awaited)
                    let next = Awaited(deadline: try await store.nextDeadline(), timer: try await timers?.nextDue())
                    awaited = next
                    await wakeup.wait(until: next.earliest)
                } catch is CancellationError {
                    break  // shutting down: the store stopped a read it was asked for
                } catch {
                    logger.error("scheduler: store failed; retrying", metadata: ["error": "\(error)", "in": "\(storeRetry)"])
                    try? await clock.sleep(for: storeRetry)
                }
            }
        }
    }

    /// The earliest incident deadline and timer a wait was for, as the store gave them just
    /// before it.
    struct Awaited {
        var deadline: Timestamp?
        var timer: Timestamp?

        var earliest: Timestamp? { [deadline, timer].compactMap { $0 }.min() }
    }

    /// Fires everything due now, in batches of incidents and then timers. On a shared database
    /// each incident is fired by whichever replica locks it first. `awaited` saves asking the
    /// store twice: under a burst of deadlines passes follow each other and the deadline
    /// awaited has always passed, so something is due; and when no timer was due, none is
    /// asked for (a timer set since is met on the next pass, which its own deadline starts at
    /// once).
    func fireDue(after awaited: Awaited? = nil) async throws {
        let now = clock.now()
        let routing = routing
        // Each incident's deadline as it was before firing, for the lateness metric.
        let dueAt = Mutex<[String: Timestamp]>([:])
        var fired = false
        // Asked once per pass, before the transactions, and only when something is due: who
        // is on call now (which may mean asking PagerDuty).
        let anythingDue = if let deadline = awaited?.deadline, deadline <= now { true } else { try await store.nextDeadline().map { $0 <= now } ?? false }
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
        let timersDue = awaited.map { $0.timer.map { $0 <= now } ?? false } ?? true
        if let timers, timersDue, try await timers.fireDue(at: now) { fired = true }
        if fired { await outbox.signal() }
    }
}

extension EscalationScheduler: CustomStringConvertible {
    var description: String { "EscalationScheduler" }
}
