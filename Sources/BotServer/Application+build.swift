import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import RunbookModel
import ServiceLifecycle
import Slack

/// The one place the bot is wired together; the CLI and the tests both call it.
public func buildApplication(
    configuration: BotConfiguration,
    library: RunbookLibrary,
    logger: Logger,
    incidents: IncidentRuntime? = nil,
    now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
    extraSlackRoutes: (RouterGroup<BotRequestContext>) -> Void = { _ in }
) -> some ApplicationProtocol {
    let handlers = SlackHandlers(configuration: configuration, library: library, incidents: incidents)
    let router = buildRouter(
        configuration: configuration, library: library, incidents: incidents, handlers: handlers, now: now,
        extraSlackRoutes: extraSlackRoutes
    )
    var services: [any Service] = incidents?.services ?? []
    if let socketMode = configuration.socketMode {
        services.append(SocketModeService(
            connector: SocketModeConnector(apiURL: socketMode.apiURL, appToken: socketMode.appToken, client: .shared),
            dispatcher: EnvelopeDispatcher(commands: handlers.commands, interactions: handlers.interactions, events: handlers.events),
            logger: logger, pingInterval: socketMode.pingInterval
        ))
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "runbook-bot"),
        services: services,
        logger: logger
    )
}

/// The handlers for what Slack sends, shared by the HTTP endpoints and Socket Mode.
struct SlackHandlers: Sendable {
    let commands: SlashCommandController
    let interactions: InteractionsController
    let events: SlackEventsController

    init(configuration: BotConfiguration, library: RunbookLibrary, incidents: IncidentRuntime?) {
        let responder = RunbookResponder(library: library)
        commands = SlashCommandController(
            responder: responder, runbookCommands: configuration.runbookCommands,
            incidentCommands: configuration.incidentCommands,
            desk: incidents?.desk
        )
        interactions = InteractionsController(responder: responder, desk: incidents?.desk, responses: ResponseURLClient(client: .shared))
        events = SlackEventsController(responder: responder, poster: incidents?.poster)
    }
}

/// The routes, separate from the server so benchmarks can add their own beside them.
public func buildRouter(
    configuration: BotConfiguration,
    library: RunbookLibrary,
    incidents: IncidentRuntime? = nil,
    now: @escaping @Sendable () -> Int64,
    extraSlackRoutes: (RouterGroup<BotRequestContext>) -> Void = { _ in }
) -> Router<BotRequestContext> {
    buildRouter(
        configuration: configuration, library: library, incidents: incidents,
        handlers: SlackHandlers(configuration: configuration, library: library, incidents: incidents),
        now: now, extraSlackRoutes: extraSlackRoutes
    )
}

func buildRouter(
    configuration: BotConfiguration,
    library: RunbookLibrary,
    incidents: IncidentRuntime?,
    handlers: SlackHandlers,
    now: @escaping @Sendable () -> Int64,
    extraSlackRoutes: (RouterGroup<BotRequestContext>) -> Void
) -> Router<BotRequestContext> {
    let router = Router(context: BotRequestContext.self)
    router.middlewares.add(ErrorLoggingMiddleware())

    let runbookCount = library.runbooks.count
    let entryCount = library.index.entryCount
    router.get("healthz") { _, _ -> Response in
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\",\"runbooks\":\(runbookCount),\"entries\":\(entryCount)}"))
        )
    }

    incidents?.statusPage.addRoutes(to: router)

    let slack = router.group("slack").add(middleware: SlackVerificationMiddleware(
        signature: SlackSignature(signingSecret: configuration.signingSecret),
        maxBodySize: configuration.maxBodySize,
        now: now
    ))
    handlers.commands.addRoutes(to: slack)
    handlers.events.addRoutes(to: slack)
    handlers.interactions.addRoutes(to: slack)
    extraSlackRoutes(slack)
    return router
}
