import AsyncHTTPClient
import Foundation
import Hummingbird
import Incidents
import Logging
import NIOCore
import PagerDuty
import PostgresStorage
import RunbookModel
import ServiceLifecycle
import Slack
import Storage

/// The one place the bot is wired together: the store, the HTTP client, the transports,
/// the desk, the routes and the long-running services. The CLI, the tests and the
/// benchmarks all call it; they differ only in the configuration, clock and store they pass.
public func buildApplication(
    _ configuration: BotConfiguration,
    logger: Logger,
    clock: any BotClock = SystemClock(),
    store: (any IncidentStore)? = nil
) throws -> some ApplicationProtocol {
    // PostgreSQL when a database URL is given (its store runs as a service), else SQLite.
    let postgres = store == nil ? configuration.databaseURL.map {
        PostgresIncidentStore(configuration: $0.clientConfiguration(), clock: clock, logger: logger)
    } : nil
    let store = try store ?? postgres ?? SQLiteIncidentStore(path: configuration.resolvedDatabasePath, clock: clock, logger: logger)
    let statusPage = try StatusPageTemplate()
    let calendarToken = try configuration.onCall.calendarToken ?? OnCallCalendarToken.loadOrCreate(dataDirectory: configuration.dataDirectory)
    // Created after everything that can fail: from here on its service owns its shutdown.
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
    let slackAPI = SlackWebAPI(baseURL: configuration.slack.apiURL, client: httpClient)
    let times = TimeFormatter(timeZoneIdentifier: configuration.settings.timeZone)
    let transport = LiveTransport(
        slack: configuration.slack.botToken.map { (slackAPI, $0) },
        pagerDuty: configuration.pagerDuty.routingKey.map {
            PagerDutyEvents(baseURL: configuration.pagerDuty.eventsURL, routingKey: $0, client: httpClient)
        },
        console: ConsoleTransport(logger: logger, times: times), times: times
    )
    // In local mode pages are shown on the console, so the critical path stays visible.
    let routing = DeliveryRouting(
        statusChannels: configuration.settings.statusChannels,
        pagerDutyEnabled: configuration.pagerDuty.routingKey != nil || configuration.isLocalMode
    )
    let groups: any UserGroupDirectory = configuration.slack.botToken.map {
        SlackUserGroups(api: slackAPI, token: $0, clock: clock, logger: logger)
    } ?? NoUserGroups()

    let schedulerWakeup = Wakeup(clock: clock)
    let onCall = OnCallWiring(
        configuration: configuration, store: store, groups: groups, transport: transport, httpClient: httpClient, clock: clock,
        scheduler: schedulerWakeup, logger: logger
    )

    let outboxWakeup = Wakeup(clock: clock)
    let desk = IncidentDesk(
        store: store, library: configuration.library, settings: configuration.settings, clock: clock,
        pagerDutyEnabled: routing.pagerDutyEnabled, groups: groups, onCall: onCall.source, runs: store as? any RunStore,
        changed: {
            await schedulerWakeup.signal()
            await outboxWakeup.signal()
        }
    )
    let runOutboxWakeup = Wakeup(clock: clock)
    // Runs and drills live in stores that keep them (SQLite and PostgreSQL do); a store
    // without them leaves the run commands out.
    let runs = (store as? any RunStore).map { runStore in
        RunDesk(store: runStore, incidents: desk, changed: {
            await schedulerWakeup.signal()
            await runOutboxWakeup.signal()
        })
    }
    let responder = RunbookResponder(library: configuration.library)
    let handled = HandledOnce(store: store, clock: clock, logger: logger)
    let search = SearchExecutor()
    let metrics = BotMetrics()
    let commands = SlashCommandController(
        responder: responder, runbookCommands: configuration.runbookCommands,
        incidentCommands: configuration.incidentCommands, desk: desk, handled: handled, search: search, metrics: metrics, runs: runs,
        onCall: onCall.desk
    )
    let interactions = InteractionsController(responder: responder, desk: desk, slack: slackAPI, handled: handled, runs: runs)
    let events = SlackEventsController(responder: responder, poster: transport, handled: handled, search: search)

    let router = Router(context: BotRequestContext.self)
    router.middlewares.add(MetricsMiddleware(metrics: metrics))
    router.middlewares.add(ErrorLoggingMiddleware())
    HealthController(library: configuration.library).addRoutes(to: router)
    ObservabilityController(
        store: store, runs: store as? any RunStore, clock: clock, metrics: metrics,
        storeKind: store is SQLiteIncidentStore ? "sqlite" : store is PostgresIncidentStore ? "postgres" : "other"
    ).addRoutes(to: router)
    StatusPageController(store: store, clock: clock, times: times, page: statusPage).addRoutes(to: router)
    OnCallCalendarController(source: onCall.source, clock: clock, token: calendarToken).addRoutes(to: router)
    let slack = router.group("slack").add(middleware: SlackVerificationMiddleware(
        signature: SlackSignature(signingSecret: configuration.signingSecret),
        maxBodySize: configuration.maxBodySize,
        bodyTimeout: configuration.requestTimeout,
        clock: clock,
        replays: ReplayGuard()
    ))
    commands.addRoutes(to: slack)
    events.addRoutes(to: slack)
    interactions.addRoutes(to: slack)

    // Shut down last (services stop in reverse order), after the sender's in-flight deliveries.
    var services: [any Service] = postgres.map { [$0] } ?? []
    services.append(HTTPClientService(client: httpClient))
    if let shared = store as? any SharedIncidentStore {
        services.append(SharedStoreWakeups(
            store: shared, scheduler: schedulerWakeup, outbox: outboxWakeup, runOutbox: runs == nil ? nil : runOutboxWakeup, clock: clock,
            logger: logger
        ))
    }
    services.append(EscalationScheduler(
        store: store, clock: clock, routing: routing, wakeup: schedulerWakeup, outbox: outboxWakeup, logger: logger,
        onCall: onCall.source, metrics: metrics,
        timers: (store as? any TimerStore).map { timerStore in
            let runWatches: [any DurableTimerHandler] = runs.map { [RunWatchTimerHandler(runs: $0)] } ?? []
            return DurableTimers(store: timerStore, handlers: runWatches + onCall.timerHandlers, logger: logger)
        }
    ))
    if let runs, let runStore = store as? any RunStore {
        services.append(RunOutboxSender(
            store: runStore, incidents: store, post: { await transport.post($0) }, clock: clock, wakeup: runOutboxWakeup,
            logger: logger, times: times, startupNotes: { (try? await runs.drillWarnings()) ?? [] }
        ))
    }
    if let handoffs = onCall.handoffs {
        services.append(OnCallHandoffStarter(handoffs: handoffs, clock: clock, wakeup: schedulerWakeup))
    }
    services.append(OutboxSender(store: store, transport: transport, clock: clock, wakeup: outboxWakeup, logger: logger, metrics: metrics))
    if let appToken = configuration.slack.appToken {
        services.append(SocketModeService(
            api: slackAPI, appToken: appToken,
            dispatcher: EnvelopeDispatcher(commands: commands, interactions: interactions, events: events, handled: handled),
            clock: clock, logger: logger, pingInterval: configuration.slack.pingInterval, metrics: metrics
        ))
    }
    let (seconds, attoseconds) = configuration.requestTimeout.components
    let idle = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    return Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [RequestHeadDeadline(timeout: idle)], idleTimeout: idle)),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "runbook-bot"),
        services: services,
        logger: logger
    )
}

/// Runs the bot until SIGTERM or SIGINT, then stops within the configured limits.
public func run(_ application: some ApplicationProtocol, configuration: BotConfiguration, logger: Logger) async throws {
    var group = ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    group.maximumGracefulShutdownDuration = configuration.shutdown.graceful
    group.maximumCancellationDuration = configuration.shutdown.cancellation
    do {
        try await ServiceGroup(configuration: group).run()
    } catch let error as IOError {
        throw ListenFailure(host: configuration.host, port: configuration.port, error: error) ?? error
    }
}

/// The listener could not be opened, said the way a person deploying the bot needs it:
/// which address, why, and what to do about it.
public struct ListenFailure: Error, CustomStringConvertible {
    public let address: String
    public let reason: String

    /// Nil unless `error` is the listener's `bind` failing for a reason named here: any
    /// other I/O error is passed on as it is.
    init?(host: String, port: Int, error: IOError) {
        guard String(describing: error).hasPrefix("bind(") else { return nil }
        address = "\(host):\(port)"
        switch error.errnoCode {
        case EADDRINUSE: reason = "the address is already in use (is another runbook-bot running?); stop it or choose another --port"
        case EACCES: reason = "permission denied (ports below 1024 need privileges); choose a --port of 1024 or above"
        case EADDRNOTAVAIL: reason = "no network interface of this machine has that address; check --host"
        default: return nil
        }
    }

    public var description: String { "cannot listen on \(address): \(reason)" }
}
