@testable import PostgresStorage
import TestSupport
import Testing

/// A stopping PostgreSQL store refuses new operations, lets those in progress finish before
/// its pool closes their connections, and never waits for ever.
struct PoolLifetimeTests {
    @Test func stoppingWaitsForOperationsInProgressAndRefusesNewOnes() async throws {
        let operations = InFlightOperations()
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        let (entered, announce) = AsyncStream.makeStream(of: Void.self)
        let running = Task {
            try await operations.run {
                announce.yield()
                for await _ in release { break }
                return "finished"
            }
        }
        var inside = entered.makeAsyncIterator()
        await inside.next()

        let stopped = Task { await operations.stop(waitingAtMost: .seconds(60)) }
        // New work is refused once the store is stopping (the stop may take a moment to start).
        #expect(await eventually {
            do {
                _ = try await operations.run { "new" }
                return false
            } catch {
                return error is StoreStoppedError
            }
        })
        releaser.yield()
        #expect(try await running.value == "finished")
        #expect(await stopped.value == true)
    }

    @Test func stoppingGivesUpOnAnOperationThatNeverEnds() async throws {
        let operations = InFlightOperations()
        let (never, holder) = AsyncStream.makeStream(of: Void.self)
        defer { holder.finish() }
        let (entered, announce) = AsyncStream.makeStream(of: Void.self)
        let stuck = Task { try await operations.run { announce.yield(); for await _ in never {} } }
        defer { stuck.cancel() }
        var inside = entered.makeAsyncIterator()
        await inside.next()
        #expect(await operations.stop(waitingAtMost: .milliseconds(50)) == false)
    }

    @Test func aBoundedWaitEndsAtItsBoundThoughTheWorkNeverDoes() async {
        let (never, holder) = AsyncStream.makeStream(of: Void.self)
        defer { holder.finish() }
        #expect(await finishes(within: .milliseconds(50)) { for await _ in never {} } == false)
        #expect(await finishes(within: .seconds(60)) {} == true)
    }
}
