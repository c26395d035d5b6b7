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
            while !Task.isCancelled {
                do {
                    try await fireDue()
                    let nextTimer = try await timers?.nextDue()
                    await wakeup.wait(until: [try await store.nextDeadline(), nextTimer].compactMap { $0 }.min())
                } catch is CancellationError {
                    break  // shutting down: the store stopped a read it was asked for
                } catch {
                    logger.error("scheduler: store failed; retrying", metadata: ["error": "\(error)", "in": "\(storeRetry)"])
                    try? await clock.sleep(for: storeRetry)
                }
            }
        }
    }

    /// Fires everything due now, one transaction per incident.
    func fireDue() async throws {
        let now = clock.now()
        var fired = false
        let due = try await store.dueIncidents(at: now)
        // Asked once per pass, before the transactions: who is on call now.
        let roster = due.isEmpty ? nil : await onCall?.roster(at: now)
        for id in due {
            let routing = routing
            let dueAt = Mutex<Timestamp?>(nil)
            let result = try await store.update(id) { incident in
                dueAt.withLock { $0 = EscalationPlanner.nextDeadline(incident) }
                return EscalationPlanner.due(incident, at: now).map { transition in
                    routing.change(for: roster.map { OnCallPings.resolve(transition, roster: $0, at: now) } ?? transition)
                }
            }
            guard let change = result.saved else { continue }
            fired = true
            if let due = dueAt.withLock({ $0 }) { metrics?.escalation(lateness: due.duration(until: clock.now())) }
            let deadline = EscalationPlanner.nextDeadline(change.transition.incident).map { "\($0.milliseconds)" } ?? "none"
            logger.info("scheduler: fired", metadata: [
                "incident": "\(id)", "effects": "\(change.transition.effects.count)", "next_deadline_ms": "\(deadline)",
            ])
        }
        if let timers, try await timers.fireDue(at: now) { fired = true }
        if fired { await outbox.signal() }
    }
}

extension EscalationScheduler: CustomStringConvertible {
    var description: String { "EscalationScheduler" }
}
