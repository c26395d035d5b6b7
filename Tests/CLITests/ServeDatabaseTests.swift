import Foundation
import Testing

@Suite struct ServeDatabaseTests {
    /// A database URL that cannot be used stops `serve` before anything starts, with the
    /// reason, and neither the error nor anything else printed shows the password.
    @Test(arguments: [
        (["DATABASE_URL": "mysql://bot:hunter2-secret@db/incidents"], [String](), "the scheme is 'mysql'"),
        ([:], ["--database-url", "postgres://bot:hunter2-secret@db"], "the database name is missing"),
    ])
    func aBadDatabaseURLIsRefusedWithoutShowingThePassword(environment: [String: String], flags: [String], reason: String) throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try CLITests.run(
            ["serve", "--config", CLITests.sampleConfig, "--port", "1", "--data-dir", directory + "/data"] + flags,
            environment: environment
        )
        #expect(run.status != 0)
        #expect(run.errors.contains("invalid database URL: \(reason)"))
        #expect(!(run.output + run.errors).contains("hunter2"))
    }
}
