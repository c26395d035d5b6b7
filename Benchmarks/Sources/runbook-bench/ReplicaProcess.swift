import BotServer
import Foundation
import FoundationNetworking
import Logging
import PostgresStorage
import RunbookModel

/// One bot replica as its own OS process, so that killing it with SIGKILL is the real thing:
/// no shutdown code runs, its connections drop, its claims are left to run out. The
/// benchmark starts its own binary again with the hidden `replica` subcommand.
final class ReplicaProcess: @unchecked Sendable {
    let index: Int
    let port: Int
    private let arguments: [String]
    private let environment: [String: String]
    /// Its log: the bot's own lines, at level info.
    let logPath: String
    private var process: Process?

    /// `databaseURL` goes in the environment (`DATABASE_URL`, as `serve` reads it), so its
    /// password does not show in the process list.
    init(index: Int, slackURL: String, dataDirectory: String, databaseURL: String?, databasePath: String?, logPath: String) throws {
        self.index = index
        port = try Self.freePort()
        arguments = ["replica", "--port", "\(port)", "--slack-url", slackURL, "--data-dir", dataDirectory]
            + (databasePath.map { ["--database-path", $0] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        self.environment = environment
        self.logPath = logPath
        // A fresh log per run; a restart after a kill appends to it.
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// Starts the process (again, after a kill: same port, data and database), its output
    /// appended to its log.
    func start() throws {
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw BenchError("cannot write \(logPath)") }
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
    }

    /// Waits until `/readyz` answers 200: the HTTP listener is up and the store answers.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let url = URL(string: "http://127.0.0.1:\(port)/readyz")!
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process?.isRunning == true else { throw BenchError("replica \(index) exited while starting; see \(logPath)") }
            if let (_, response) = try? await URLSession.shared.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("replica \(index) was not ready within \(timeout); see \(logPath)")
    }

    /// SIGKILL, then waits until it is gone.
    func kill() async {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        await waitForExit(process, timeout: .seconds(10))
    }

    /// SIGTERM, as an orchestrator stops a replica; SIGKILL if it has not stopped in 30 s
    /// (its own limits are 15 s graceful + 5 s cancellation).
    func stop() async {
        guard let process, process.isRunning else { return }
        process.terminate()
        if !(await waitForExit(process, timeout: .seconds(30))) { await kill() }
    }

    @discardableResult
    private func waitForExit(_ process: Process, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return !process.isRunning
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchError("no socket for a free port") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw BenchError("cannot bind a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The hidden `replica` subcommand: the bot as `serve` builds it, in Slack mode against the
/// benchmark's fake Slack, logging as `serve` does by default (info, text, to stderr, which
/// the benchmark sends to a file). No runbooks are loaded: the benchmark's incidents carry
/// their own escalation policy. No PagerDuty routing key, so nothing is paged.
enum ReplicaCommand {
    static func run(port: Int, slackURL: String, dataDirectory: String, databasePath: String?) async throws {
        let level = Logger.Level.info
        let output = BotLogging.bootstrap(level: level, format: .text)
        defer { output.close() }
        var logger = Logger(label: "runbook-bot")
        logger.logLevel = level
        var configuration = BotConfiguration(library: RunbookLibrary(runbooks: []), signingSecret: "bench-signing-secret")
        configuration.port = port
        configuration.dataDirectory = dataDirectory
        configuration.databasePath = databasePath
        configuration.databaseURL = try ProcessInfo.processInfo.environment["DATABASE_URL"].map { try DatabaseURL(parsing: $0) }
        configuration.slack.botToken = "xoxb-bench"
        configuration.slack.apiURL = slackURL
        exitWhenOrphaned()
        let app = try buildApplication(configuration, logger: logger)
        try await BotServer.run(app, configuration: configuration, logger: logger)
    }

    /// A benchmark that dies (or is interrupted) must not leave replicas running: each one
    /// exits once its parent is gone.
    private static func exitWhenOrphaned() {
        let parent = getppid()
        Thread.detachNewThread {
            while getppid() == parent { sleep(1) }
            exit(3)
        }
    }
}
