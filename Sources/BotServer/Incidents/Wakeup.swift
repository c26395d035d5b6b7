/// Lets a long-running loop sleep until either a deadline passes or someone signals that
/// there is new work (a new incident, a new outbox message): no fixed polling cycle.
actor Wakeup {
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    func signal() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            pending = true
        }
    }

    /// Returns when signalled, when `timeout` has passed, or when the task is cancelled.
    func wait(timeout: Duration) async {
        if pending {
            pending = false
            return
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.release()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter = $0 }
        } onCancel: {
            Task { await self.release() }
        }
        timer.cancel()
    }

    private func release() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        }
    }
}
