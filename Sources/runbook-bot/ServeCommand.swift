import ArgumentParser
import BotServer
import Configuration
import Foundation
import Incidents
import Logging
import PostgresStorage
import RunbookModel

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the bot: the HTTP listener for Slack, the escalation scheduler and the outbox."
    )

    @OptionGroup var config: ConfigOptions

    @Option(help: "Address to listen on.")
    var host = BotConfiguration.Defaults.host

    @Option(help: "Port to listen on.")
    var port = BotConfiguration.Defaults.port

    @Option(name: .customLong("data-dir"), help: "Where the bot keeps its state (local signing secret, databases).")
    var dataDirectory = BotConfiguration.Defaults.dataDirectory

    @Option(name: .customLong("database-url"), help: "postgres://user:password@host:port/database: keep state in PostgreSQL, shared by replicas (default: DATABASE_URL, else SQLite in the data directory).")
    var databaseURL: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default: LOG_LEVEL, else info).")
    var logLevel: String?

    func run() async throws {
        // The environment is read here, once; everything below gets plain values.
        let environment = ConfigReader(provider: EnvironmentVariablesProvider(
            secretsSpecifier: .specific([
                "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "PAGERDUTY_ROUTING_KEY", "PAGERDUTY_API_TOKEN", "ONCALL_CALENDAR_TOKEN",
                "DATABASE_URL",
            ])
        ))
        func value(_ key: ConfigKey, secret: Bool = false) -> String? {
            environment.string(forKey: key, isSecret: secret).flatMap { $0.isEmpty ? nil : $0 }
        }
        let levelName = logLevel ?? value("log.level") ?? "info"
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw ValidationError("unknown log level '\(levelName)'")
        }
        let formatName = value("log.format") ?? "text"
        guard let format = BufferedLogHandler.Format(rawValue: formatName.lowercased()) else {
            throw ValidationError("unknown log format '\(formatName)': use text or json")
        }
        let output = BotLogging.bootstrap(level: level, format: format)
        defer { output.close() }
        var logger = Logger(label: "runbook-bot")
        logger.logLevel = level

        // Checked before anything starts; the error and the log show the URL without its password.
        let database: DatabaseURL?
        do {
            database = try (databaseURL ?? value("database.url", secret: true)).map { try DatabaseURL(parsing: $0) }
        } catch {
            throw ValidationError("\(error)")
        }

        let (library, settings) = try ConfigLoading.loadWithSettingsOrExit(config)
        logger.info("runbooks loaded", metadata: [
            "systems": "\(library.runbooks.map(\.system.id).joined(separator: ","))",
            "entries": "\(library.index.entryCount)",
        ])
        var configuration = BotConfiguration(
            library: library, settings: settings,
            signingSecret: try signingSecret(value("slack.signing.secret", secret: true), logger: logger)
        )
        configuration.host = host
        configuration.port = port
        configuration.dataDirectory = dataDirectory
        configuration.databaseURL = database
        logger.info("store", metadata: ["database": "\(database.map { "\($0)" } ?? "SQLite in \(dataDirectory)")"])
        configuration.slack.botToken = value("slack.bot.token", secret: true)
        configuration.slack.appToken = value("slack.app.token", secret: true)
        if let url = value("slack.api.url") { configuration.slack.apiURL = url }
        configuration.pagerDuty.routingKey = value("pagerduty.routing.key", secret: true)
        if let url = value("pagerduty.events.url") { configuration.pagerDuty.eventsURL = url }
        configuration.onCall.pagerDutyAPIToken = value("pagerduty.api.token", secret: true)
        if let url = value("pagerduty.api.url") { configuration.onCall.pagerDutyAPIURL = url }
        configuration.onCall.calendarToken = value("oncall.calendar.token", secret: true)

        if configuration.isLocalMode {
            logger.notice("local mode: SLACK_BOT_TOKEN is not set; incident messages are written to this log, marked [local mode: not sent]")
        }
        if configuration.slack.appToken != nil {
            logger.info("Socket Mode: SLACK_APP_TOKEN is set; connecting out to Slack as well as listening for HTTP")
        }
        let app = try buildApplication(configuration, logger: logger)
        try await BotServer.run(app, configuration: configuration, logger: logger)
    }

    /// `SLACK_SIGNING_SECRET`, or in local mode a generated secret kept in the data directory.
    /// Verification is never switched off.
    private func signingSecret(_ fromEnvironment: String?, logger: Logger) throws -> String {
        if let secret = fromEnvironment {
            logger.info("Slack mode: verifying requests with SLACK_SIGNING_SECRET")
            return secret
        }
        let (secret, created) = try LocalSigningSecret.loadOrCreate(dataDirectory: dataDirectory)
        let path = LocalSigningSecret.path(dataDirectory: dataDirectory)
        logger.notice("local mode: SLACK_SIGNING_SECRET is not set", metadata: [
            "secret_file": "\(path)", "created": "\(created)",
        ])
        print("""
            Local mode: SLACK_SIGNING_SECRET is not set, so requests must be signed with the secret in \(path) \
            (\(created ? "just created" : "kept from an earlier run"), readable by you only).
            Try it:  runbook-bot send "/runbook timeout" --url http://\(host):\(port)/slack/commands
            """)
        return secret
    }
}
