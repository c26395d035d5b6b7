import Foundation
import Testing

@Suite(.serialized) struct ServeDatabaseTests {
    /// A database URL that cannot be used stops `serve` before anything starts, with the
    /// reason, and neither the error nor anything else printed shows the password.
    @Test(arguments: [
        (["DATABASE_URL": "mysql://bot:hunter2-secret@db/incidents"], [String](), "the scheme is 'mysql'"),
        ([:], ["--database-url", "postgres://bot:hunter2-secret@db"], "the database name is missing"),
    ])
    func aBadDatabaseURLIsRefusedWithoutShowingThePassword(environment: [String: String], flags: [String], reason: String) async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = ["serve", "--config", CLITests.sampleConfig, "--port", "1", "--data-dir", directory + "/data"] + flags
        // Waiting for the process blocks a thread: a dispatch thread, not one of the few
        // that run every other test's tasks.
        let run = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try CLITests.run(arguments, environment: environment) })
            }
        }
        #expect(run.status != 0)
        #expect(run.errors.contains("invalid database URL: \(reason)"))
        #expect(!(run.output + run.errors).contains("hunter2"))
    }
}
