import BotServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Incidents
import Logging
import RunbookModel
import Slack
import Synchronization
import TestSupport

/// Log lines recorded in memory, so tests can assert on what the bot logged.
final class LogRecorder: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]

        /// Everything in the entry as one string, for "never logged" checks.
        var rendered: String { "\(message) \(metadata.sorted { $0.key < $1.key })" }
    }

    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }

    func messages(_ message: String) -> [Entry] { all.filter { $0.message == message } }

    func logger() -> Logger {
        var logger = Logger(label: "test") { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ entry: Entry) {
        entries.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            for (key, value) in event.metadata ?? [:] { merged[key] = value }
            recorder.append(Entry(
                level: event.level, message: event.message.description,
                metadata: merged.mapValues { "\($0)" }
            ))
        }
    }
}

enum Fixture {
    static let secret = "test-signing-secret-0123456789abcdef"
    /// The bot's clock in these tests; requests are signed at this time unless a test says otherwise.
    static let now: Int64 = 1_780_000_000

    static let configDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("bot-config").path
    }()

    static let library: RunbookLibrary = {
        let today = CalendarDate(year: 2026, month: 5, day: 1)!
        guard let library = RunbookLoader.load(configDirectory: configDirectory, today: today).library else {
            fatalError("sample runbook does not load")
        }
        return library
    }()

    /// The bot on the sample runbook, its clock at `now`, its data in a fresh directory.
    static func application(logs: LogRecorder, maxBodySize: Int = 64 * 1024) throws -> some ApplicationProtocol {
        var configuration = BotConfiguration(library: library, signingSecret: secret)
        configuration.port = 0
        configuration.maxBodySize = maxBodySize
        configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("bot-\(UUID().uuidString)").path
        return try buildApplication(configuration, logger: logs.logger(), clock: TestClock(now: Timestamp(milliseconds: now * 1000)))
    }

    static func slashCommandBody(command: String = "/runbook", text: String) -> String {
        FormBody.encode([
            ("token", "legacy"), ("team_id", "T1"), ("team_domain", "acme"), ("channel_id", "C123"),
            ("channel_name", "incidents"), ("user_id", "U123"), ("user_name", "alex"), ("command", command),
            ("text", text), ("api_app_id", "A1"), ("is_enterprise_install", "false"),
            ("response_url", "https://hooks.slack.com/commands/T1/1/x"), ("trigger_id", "1.\(UInt64.random(in: 0 ... .max))"),
        ])
    }

    /// Headers as Slack would send them for `body` at `timestamp`.
    static func signedHeaders(body: String, timestamp: Int64 = now, secret: String = secret) -> HTTPFields {
        let stamp = String(timestamp)
        let signature = SlackSignature(signingSecret: secret).signature(timestamp: stamp, body: Array(body.utf8))
        return [
            .contentType: "application/x-www-form-urlencoded",
            HTTPField.Name("X-Slack-Request-Timestamp")!: stamp,
            HTTPField.Name("X-Slack-Signature")!: signature,
        ]
    }

    /// The bot on the fast runbook (and `settings` as its bot.yaml), talking to `fake` as its
    /// Slack and PagerDuty, keeping its data in `directory`.
    static func fastBot(settings: String? = nil, fake: FakeSlackAndPagerDuty, directory: String) throws -> BotConfiguration {
        let (library, settings) = try FastRunbook.load(settings: settings)
        var configuration = BotConfiguration(library: library, settings: settings, signingSecret: secret)
        configuration.port = 0
        configuration.dataDirectory = directory + "/data"
        configuration.slack.botToken = "xoxb-test"
        configuration.slack.apiURL = fake.slackURL
        configuration.pagerDuty.routingKey = "R0KEY"
        configuration.pagerDuty.eventsURL = fake.pagerDutyURL
        return configuration
    }
}
