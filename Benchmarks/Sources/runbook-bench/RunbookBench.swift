import Foundation
import PostgresStorage

@main
struct RunbookBench {
    /// A failure (a port in use, a database that cannot be reached) ends the run with its
    /// message and exit status 1, not a crash report.
    static func main() async {
        do {
            try await run(CommandLine.arguments.dropFirst())
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ arguments: ArraySlice<String>) async throws {
        let config = value(after: "--config", in: arguments) ?? "../bot-config"
        switch arguments.first {
        case "lookup":
            LookupBenchmark.run(configDirectory: config)
        case "escalation":
            let counts = (value(after: "--incidents", in: arguments) ?? "1000,10000").split(separator: ",").compactMap { Int($0) }
            try await EscalationBenchmark.run(counts: counts)
        case "profile-reply":
            ReplyProfile.run(configDirectory: config)
        case "serve":
            let port = Int(value(after: "--port", in: arguments) ?? "") ?? 3900
            guard let secret = ProcessInfo.processInfo.environment["SLACK_SIGNING_SECRET"] else {
                print("set SLACK_SIGNING_SECRET")
                exit(2)
            }
            try await ServerBenchmark.run(configDirectory: config, port: port, secret: secret)
        case "replicas":
            try await replicaBenchmark(arguments).run()
        case "replica":
            // Started by `replicas`, one process per replica; not for use by hand.
            guard let port = value(after: "--port", in: arguments).flatMap(Int.init),
                  let slackURL = value(after: "--slack-url", in: arguments),
                  let dataDirectory = value(after: "--data-dir", in: arguments)
            else {
                print("replica needs --port, --slack-url and --data-dir")
                exit(2)
            }
            try await ReplicaCommand.run(
                port: port, slackURL: slackURL, dataDirectory: dataDirectory, databasePath: value(after: "--database-path", in: arguments)
            )
        default:
            print("""
                usage: runbook-bench lookup [--config DIR] | escalation [--incidents 1000,10000] | profile-reply [--config DIR] \
                | serve [--config DIR] [--port N] \
                | replicas (--database-url URL [--replicas 3] | --sqlite) [--incidents 10000] [--channels 200] [--kill] [--lead SECONDS] [--logs DIR]
                """)
            exit(2)
        }
    }

    /// `replicas`: on PostgreSQL (`--database-url`, a server the benchmark may create and
    /// drop databases on) or on SQLite (`--sqlite`, one process).
    static func replicaBenchmark(_ arguments: ArraySlice<String>) throws -> ReplicaBenchmark {
        let engine: ReplicaBenchmark.Engine
        if arguments.contains("--sqlite") {
            engine = .sqlite
        } else if let url = value(after: "--database-url", in: arguments) {
            engine = .postgres(try DatabaseURL(parsing: url))
        } else {
            print("replicas needs --database-url URL or --sqlite")
            exit(2)
        }
        var benchmark = ReplicaBenchmark(engine: engine, logDirectory: value(after: "--logs", in: arguments) ?? "results")
        if let count = value(after: "--incidents", in: arguments).flatMap(Int.init) { benchmark.incidents = count }
        if let count = value(after: "--channels", in: arguments).flatMap(Int.init) { benchmark.channels = count }
        if let seconds = value(after: "--lead", in: arguments).flatMap(Int.init) { benchmark.lead = .seconds(seconds) }
        // SQLite allows one writing process: one replica, whatever is asked.
        if case .postgres = engine, let count = value(after: "--replicas", in: arguments).flatMap(Int.init) { benchmark.replicas = count }
        if case .sqlite = engine { benchmark.replicas = 1 }
        benchmark.kill = arguments.contains("--kill")
        return benchmark
    }

    static func value(after flag: String, in arguments: ArraySlice<String>) -> String? {
        guard let index = arguments.firstIndex(of: flag), arguments.index(after: index) < arguments.endIndex else { return nil }
        return arguments[arguments.index(after: index)]
    }
}
