import Foundation
import Incidents
import PagerDuty
import PostgresStorage
import RunbookModel
import Slack

/// Everything the bot needs to run, read once at the edge (the CLI: flags, environment,
/// bot-config). Every default is written here and nowhere else.
public struct BotConfiguration: Sendable {
    /// The loaded runbooks and `bot.yaml`.
    public var library: RunbookLibrary
    public var settings: BotSettings

    public var host = Defaults.host
    public var port = Defaults.port
    /// The local signing secret and, unless `databasePath` says otherwise, the database.
    public var dataDirectory = Defaults.dataDirectory
    public var databasePath: String?
    /// `DATABASE_URL`: keep state in this PostgreSQL database instead of SQLite, so several
    /// replicas can share it.
    public var databaseURL: DatabaseURL?
    /// `SLACK_SIGNING_SECRET`, or the local secret: every Slack request is verified with it.
    public var signingSecret: String
    /// Slack sends a few kilobytes at most; anything much larger is not Slack.
    public var maxBodySize = 64 * 1024
    /// A connection that sends nothing for this long is closed, and a request body must
    /// arrive within it: a client cannot hold connections open with trickled requests.
    public var requestTimeout: Duration = .seconds(10)
    /// The slash commands answered with runbook lookups, and those that run incidents.
    public var runbookCommands: Set<String> = ["/runbook"]
    public var incidentCommands: Set<String> = ["/incident"]
    public var slack = SlackSettings()
    public var pagerDuty = PagerDutySettings()
    public var shutdown = ShutdownLimits()
    public var onCall = OnCallSettings()

    public init(library: RunbookLibrary, settings: BotSettings = BotSettings(), signingSecret: String) {
        self.library = library
        self.settings = settings
        self.signingSecret = signingSecret
    }

    public struct SlackSettings: Sendable {
        /// `SLACK_BOT_TOKEN`; without it messages are logged, not sent (local mode).
        public var botToken: String?
        public var apiURL = SlackWebAPI.defaultBaseURL
        /// `SLACK_APP_TOKEN` (`xapp-…`, scope `connections:write`): also connect over Socket Mode.
        public var appToken: String?
        /// How often Socket Mode pings; a link silent for a whole interval after a ping is replaced.
        public var pingInterval: Duration = .seconds(10)

        public init() {}
    }

    public struct PagerDutySettings: Sendable {
        /// `PAGERDUTY_ROUTING_KEY`; without it pages are logged, not sent.
        public var routingKey: String?
        public var eventsURL = PagerDutyEvents.defaultBaseURL

        public init() {}
    }

    public struct OnCallSettings: Sendable {
        /// `ONCALL_CALENDAR_TOKEN`: opens `/oncall/<rotation>.ics`; without it one is made
        /// once in the data directory.
        public var calendarToken: String?
        /// `PAGERDUTY_API_TOKEN`: ask PagerDuty's REST API who is on call.
        public var pagerDutyAPIToken: String?
        public var pagerDutyAPIURL = PagerDutyOnCalls.defaultBaseURL
        /// How long PagerDuty's answer about a schedule is used before asking again.
        public var pagerDutyCacheFor: Duration = .seconds(60)

        public init() {}
    }

    /// How long a stop may take: in-flight deliveries finish within `graceful`; whatever is
    /// still running after that is cancelled, and given `cancellation` more.
    public struct ShutdownLimits: Sendable {
        public var graceful: Duration = .seconds(15)
        public var cancellation: Duration = .seconds(5)

        public init() {}
    }

    /// The defaults the CLI shows and uses; written once, here.
    public enum Defaults {
        public static let host = "127.0.0.1"
        public static let port = 3000
        public static let dataDirectory = "./.runbook-bot"
        public static let configDirectory = "./bot-config"
        public static var commandsURL: String { "http://\(host):\(port)/slack/commands" }
    }

    public var resolvedDatabasePath: String {
        databasePath ?? (dataDirectory as NSString).appendingPathComponent("incidents.sqlite")
    }

    /// Without a bot token nothing is sent: cards, pings and pages go to the log.
    public var isLocalMode: Bool { slack.botToken == nil }
}

extension BotConfiguration: CustomStringConvertible {
    /// Never the secrets: service lifecycle and start-up logs describe what they are given.
    public var description: String {
        let database = databaseURL.map { "database \($0)" } ?? "data \(dataDirectory)"
        return "BotConfiguration(\(host):\(port), \(database), \(isLocalMode ? "local mode" : "Slack"), credentials redacted)"
    }
}
