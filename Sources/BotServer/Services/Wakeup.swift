import Incidents

/// Lets a long-running loop sleep until either a deadline passes or someone signals that
/// there is new work (a new incident, a new outbox message): no fixed polling cycle.
actor Wakeup {
    private let clock: any BotClock
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    /// Which wait a timer belongs to, so a late timer cannot end a later wait.
    private var generation = 0

    init(clock: any BotClock) {
        self.clock = clock
    }

    func signal() {
        if !release(generation) { pending = true }
    }

    /// Returns when signalled, when `deadline` (if any) has come, or when the task is cancelled.
    func wait(until deadline: Timestamp?) async {
        if pending {
            pending = false
            return
        }
        generation += 1
        let current = generation
        var timer: Task<Void, Never>?
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter = continuation
                timer = deadline.map { deadline in
                    Task { [clock] in
                        guard (try? await clock.sleep(until: deadline)) != nil else { return }
                        await self.timerFired(current)
                    }
                }
            }
        } onCancel: {
            Task { await self.timerFired(current) }
        }
        timer?.cancel()
    }

    private func timerFired(_ generation: Int) {
        _ = release(generation)
    }

    /// Ends the wait of `generation` if it is the one in progress; false when nobody waits.
    private func release(_ generation: Int) -> Bool {
        guard generation == self.generation, let waiter else { return false }
        self.waiter = nil
        waiter.resume()
        return true
    }
}
