import ArgumentParser
import BotServer
import Foundation
import Hummingbird
import Logging
import RunbookModel

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the bot's HTTP listener for Slack slash commands."
    )

    @OptionGroup var config: ConfigOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 3000

    @Option(name: .customLong("data-dir"), help: "Where the bot keeps its state (local signing secret, databases).")
    var dataDirectory = "./.runbook-bot"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("unknown log level '\(logLevel)'")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "runbook-bot")
        logger.logLevel = level

        let (library, settings) = try ConfigLoading.loadWithSettingsOrExit(config)
        let secret = try signingSecret(logger: logger)
        logger.info("runbooks loaded", metadata: [
            "systems": "\(library.runbooks.map(\.system.id).joined(separator: ","))",
            "entries": "\(library.index.entryCount)",
        ])

        var configuration = BotConfiguration(
            host: host, port: port, signingSecret: secret
        )
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let appToken = value("SLACK_APP_TOKEN") {
            configuration.socketMode = SocketModeConfiguration(appToken: appToken, apiURL: value("SLACK_API_URL") ?? "https://slack.com/api/")
            logger.info("Socket Mode: SLACK_APP_TOKEN is set; connecting out to Slack as well as listening for HTTP")
        }
        let incidentConfiguration = IncidentConfiguration(
            databasePath: (dataDirectory as NSString).appendingPathComponent("incidents.sqlite"),
            slackBotToken: value("SLACK_BOT_TOKEN"),
            slackAPIURL: value("SLACK_API_URL") ?? "https://slack.com/api/",
            pagerDutyRoutingKey: value("PAGERDUTY_ROUTING_KEY"),
            pagerDutyEventsURL: value("PAGERDUTY_EVENTS_URL") ?? "https://events.pagerduty.com"
        )
        if incidentConfiguration.slackBotToken == nil {
            logger.notice("local mode: SLACK_BOT_TOKEN is not set; incident messages are written to this log, marked [local mode: not sent]")
        }
        let incidents = try IncidentRuntime(configuration: incidentConfiguration, library: library, settings: settings, logger: logger)
        let app = buildApplication(configuration: configuration, library: library, logger: logger, incidents: incidents)
        try await app.runService()
    }

    /// `SLACK_SIGNING_SECRET`, or in local mode a generated secret kept in the data directory.
    /// Verification is never switched off.
    private func signingSecret(logger: Logger) throws -> String {
        if let secret = ProcessInfo.processInfo.environment["SLACK_SIGNING_SECRET"], !secret.isEmpty {
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
