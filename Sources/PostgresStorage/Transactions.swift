import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in one transaction on one connection: committed when it returns, rolled
    /// back when it throws. Unlike `withTransaction`, the caller's own error comes back as it
    /// was thrown, so a refusal inside a change reads the same as on SQLite.
    func inTransaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            let result: Result
            do {
                result = try await body(connection)
            } catch {
                // A connection whose rollback fails is closed by the pool; the error that
                // matters is the body's.
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return result
        }
    }
}

/// Runs at most once: the first caller's outcome is every caller's.
actor StartupGate {
    private enum State {
        case waiting([CheckedContinuation<Void, any Error>])
        case open
        case failed(any Error)
    }

    private var state = State.waiting([])

    func wait() async throws {
        switch state {
        case .open: return
        case .failed(let error): throw error
        case .waiting(var waiters):
            try await withCheckedThrowingContinuation { continuation in
                waiters.append(continuation)
                state = .waiting(waiters)
            }
        }
    }

    /// Opens the gate, or fails it.
    func finish(_ error: (any Error)?) {
        guard case .waiting(let waiters) = state else { return }
        state = error.map(State.failed) ?? .open
        for waiter in waiters {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
    }
}
