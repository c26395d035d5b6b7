import Incidents

/// Lets a long-running loop sleep until either a deadline passes or someone signals that
/// there is new work (a new incident, a new outbox message): no fixed polling cycle.
actor Wakeup {
    private let clock: any BotClock
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    init(clock: any BotClock) {
        self.clock = clock
    }

    func signal() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            pending = true
        }
    }

    /// Returns when signalled, when `deadline` (if any) has come, or when the task is cancelled.
    func wait(until deadline: Timestamp?) async {
        if pending {
            pending = false
            return
        }
        let timer = deadline.map { deadline in
            Task { [clock, weak self] in
                guard (try? await clock.sleep(until: deadline)) != nil else { return }
                await self?.release()
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter = $0 }
        } onCancel: {
            Task { await self.release() }
        }
        timer?.cancel()
    }

    private func release() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        }
    }
}
