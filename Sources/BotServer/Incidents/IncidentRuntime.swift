import AsyncHTTPClient
import Incidents
import Logging
import RunbookModel
import ServiceLifecycle
import Storage

/// Where incidents are kept and how their messages leave the bot.
public struct IncidentConfiguration: Sendable {
    public var databasePath: String
    /// `SLACK_BOT_TOKEN`; without it messages are logged to the console (local mode).
    public var slackBotToken: String?
    public var slackAPIURL: String
    /// `PAGERDUTY_ROUTING_KEY`; without it pages are logged to the console.
    public var pagerDutyRoutingKey: String?
    public var pagerDutyEventsURL: String

    public init(
        databasePath: String, slackBotToken: String? = nil, slackAPIURL: String = "https://slack.com/api/",
        pagerDutyRoutingKey: String? = nil, pagerDutyEventsURL: String = "https://events.pagerduty.com"
    ) {
        self.databasePath = databasePath
        self.slackBotToken = slackBotToken
        self.slackAPIURL = slackAPIURL
        self.pagerDutyRoutingKey = pagerDutyRoutingKey
        self.pagerDutyEventsURL = pagerDutyEventsURL
    }
}

/// The incident side of the bot, wired: the store, the desk that answers `/incident`, and
/// the two long-running services (escalation scheduler, outbox sender).
public struct IncidentRuntime: Sendable {
    let desk: IncidentDesk
    let statusPage: StatusPageController
    /// Posts answers to mentions and other messages outside any incident.
    let poster: LiveTransport
    /// The escalation scheduler and the outbox sender, to run beside the HTTP server.
    public let services: [any Service]

    public init(
        configuration: IncidentConfiguration, library: RunbookLibrary, settings: BotSettings,
        logger: Logger, clock: any WallClock = SystemWallClock(), httpClient: HTTPClient = .shared
    ) throws {
        try self.init(
            store: SQLiteIncidentStore(path: configuration.databasePath), configuration: configuration,
            library: library, settings: settings, logger: logger, clock: clock, httpClient: httpClient
        )
    }

    /// With a store of the caller's choosing (another database, or one instrumented for a benchmark).
    public init(
        store: any IncidentStore, configuration: IncidentConfiguration, library: RunbookLibrary, settings: BotSettings,
        logger: Logger, clock: any WallClock = SystemWallClock(), httpClient: HTTPClient = .shared
    ) throws {
        let schedulerWakeup = Wakeup()
        let outboxWakeup = Wakeup()
        let times = TimeFormatter(timeZoneIdentifier: settings.timeZone)
        let console = ConsoleTransport(logger: logger, times: times)
        let transport = LiveTransport(
            slack: configuration.slackBotToken.map { SlackWebAPI(baseURL: configuration.slackAPIURL, token: $0, client: httpClient) },
            pagerDuty: configuration.pagerDutyRoutingKey.map {
                PagerDutyEvents(baseURL: configuration.pagerDutyEventsURL, routingKey: $0, client: httpClient)
            },
            console: console, times: times
        )
        // In local mode pages are shown on the console, so the critical path stays visible.
        let pagerDutyEnabled = configuration.pagerDutyRoutingKey != nil || configuration.slackBotToken == nil
        let groups: any UserGroupDirectory = configuration.slackBotToken.map {
            SlackUserGroups(baseURL: configuration.slackAPIURL, token: $0, client: httpClient, logger: logger)
        } ?? NoUserGroups()
        self.desk = IncidentDesk(
            store: store, library: library, settings: settings, clock: clock, pagerDutyEnabled: pagerDutyEnabled,
            groups: groups,
            changed: {
                await schedulerWakeup.signal()
                await outboxWakeup.signal()
            }
        )
        self.statusPage = StatusPageController(store: store, clock: clock, times: times)
        self.poster = transport
        self.services = [
            EscalationScheduler(
                store: store, clock: clock, statusChannels: settings.statusChannels, pagerDutyEnabled: pagerDutyEnabled,
                wakeup: schedulerWakeup, outbox: outboxWakeup, logger: logger
            ),
            OutboxSender(store: store, transport: transport, clock: clock, wakeup: outboxWakeup, logger: logger),
        ]
    }
}
