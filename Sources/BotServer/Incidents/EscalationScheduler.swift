import Incidents
import Logging
import ServiceLifecycle

/// Fires escalations and reminders when they are due. It sleeps until the earliest deadline
/// in the store, and is woken early when a change may have moved that deadline. Each firing
/// is one transaction (state, timeline, outbox), so after a crash overdue escalations fire
/// once on start-up and nothing fires twice.
struct EscalationScheduler: Service {
    let store: any IncidentStore
    let clock: any WallClock
    let statusChannels: [String]
    let pagerDutyEnabled: Bool
    let wakeup: Wakeup
    let outbox: Wakeup
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await fireDue()
                    let next = try await store.nextDeadline()
                    await wakeup.wait(timeout: OutboxSender.delay(until: next, now: clock.now()))
                } catch {
                    logger.error("scheduler: store failed; retrying in 1s", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    func fireDue() async throws {
        let now = clock.now()
        var fired = false
        for id in try await store.dueIncidents(at: now) {
            let statusChannels = statusChannels
            let pagerDutyEnabled = pagerDutyEnabled
            let saved = try await store.update(id) { incident in
                guard let transition = EscalationPlanner.due(incident, at: now) else { return nil }
                return Change(
                    transition: transition,
                    deliveries: DeliveryRouting.deliveries(for: transition.effects, statusChannels: statusChannels, pagerDutyEnabled: pagerDutyEnabled)
                )
            }
            if case .some(.some(let change)) = saved {
                fired = true
                let deadline = EscalationPlanner.nextDeadline(change.transition.incident).map { "\($0.milliseconds)" } ?? "none"
                logger.info("scheduler: fired", metadata: [
                    "incident": "\(id)", "effects": "\(change.transition.effects.count)", "next_deadline_ms": "\(deadline)",
                ])
            }
        }
        if fired { await outbox.signal() }
    }
}

extension EscalationScheduler: CustomStringConvertible {
    /// Service lifecycle logs every service at start-up; the default description would
    /// spell out every stored property, credentials included.
    var description: String { "EscalationScheduler" }
}
