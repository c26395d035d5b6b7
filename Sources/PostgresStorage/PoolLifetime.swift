import Logging
import PostgresNIO
import Synchronization

/// How the store's connection pool is started and stopped.
///
/// A query still running when the pool closes its connection has been seen never to return
/// (its connection closed, its caller waiting for ever). When the bot is cancelled rather
/// than stopped in order (a service failed, a test stopped a replica dead), the senders are
/// still mid-query when the store stops. So the store stops in three steps: it refuses new
/// operations, waits for those in progress to finish (they are quick: the server is still
/// there), and only then closes the pool. Each wait is bounded, so a replica asked to stop
/// always stops.
extension PostgresClient {
    /// Runs the pool while `body` runs, then closes it and waits for it to close, at most
    /// `closeTimeout`. The pool runs detached: neither the caller's cancellation nor its
    /// graceful shutdown reaches it before `body` has finished draining.
    func whileRunning<Result: Sendable>(
        closeTimeout: Duration, logger: Logger, _ body: () async throws -> Result
    ) async throws -> Result {
        let pool = Task.detached { await self.run() }
        let result: Swift.Result<Result, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        pool.cancel()
        if !(await finishes(within: closeTimeout) { await pool.value }) {
            logger.warning("store: the PostgreSQL connection pool did not close in time; left to close on its own", metadata: ["waited": "\(closeTimeout)"])
        }
        return try result.get()
    }
}

/// The store's operations in progress. Stopping refuses new ones and waits for these.
final class InFlightOperations: Sendable {
    private struct State {
        var count = 0
        var stopping = false
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Runs `operation` unless the store is stopping, in which case it fails at once.
    func run<Value>(_ operation: () async throws -> Value) async throws -> Value {
        try state.withLock { state in
            if state.stopping { throw StoreStoppedError() }
            state.count += 1
        }
        defer { leave() }
        return try await operation()
    }

    private func leave() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.count -= 1
            guard state.stopping, state.count == 0 else { return [] }
            defer { state.drained = [] }
            return state.drained
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Refuses new operations at once; true once those in progress have finished, false if
    /// some were still running after `timeout`.
    func stop(waitingAtMost timeout: Duration) async -> Bool {
        state.withLock { $0.stopping = true }
        return await finishes(within: timeout) { await self.drained() }
    }

    private func drained() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state in
                if state.count == 0 { return true }
                state.drained.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
