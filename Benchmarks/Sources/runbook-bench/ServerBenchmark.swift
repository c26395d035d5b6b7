import BotServer
import Foundation
import Logging
import RunbookModel

/// Runs the bot as `serve` does — the real `buildApplication`, logging as `serve` logs at
/// `LOG_LEVEL` (default `info`, as in production) — for `run.sh` to load with wrk.
/// The baseline route is Slack's `ssl_check` on `/slack/commands`: verified like every
/// request, then answered with a fixed empty 200.
enum ServerBenchmark {
    static func run(configDirectory: String, port: Int, secret: String) async throws {
        let today = CalendarDate(unixSeconds: Int64(Date().timeIntervalSince1970))
        let loaded = RunbookLoader.load(configDirectory: configDirectory, today: today)
        guard let library = loaded.library else {
            print("the runbooks do not load")
            return
        }
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let output = BotLogging.bootstrap(level: level, format: .text)
        defer { output.close() }
        var logger = Logger(label: "runbook-bench")
        logger.logLevel = level
        var configuration = BotConfiguration(library: library, settings: loaded.settings, signingSecret: secret)
        configuration.port = port
        configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-bench-\(UUID().uuidString)").path
        let app = try buildApplication(configuration, logger: logger)
        try await BotServer.run(app, configuration: configuration, logger: logger)
    }
}
