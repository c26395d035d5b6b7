import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import RunbookModel
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
    let router = buildRouter(
        configuration: configuration, library: library, incidents: incidents, now: now, extraSlackRoutes: extraSlackRoutes
    )
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "runbook-bot"),
        services: incidents?.services ?? [],
        logger: logger
    )
}

/// The routes, separate from the server so benchmarks can add their own beside them.
public func buildRouter(
    configuration: BotConfiguration,
    library: RunbookLibrary,
    incidents: IncidentRuntime? = nil,
    now: @escaping @Sendable () -> Int64,
    extraSlackRoutes: (RouterGroup<BotRequestContext>) -> Void = { _ in }
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
    SlashCommandController(
        responder: RunbookResponder(library: library),
        runbookCommands: configuration.runbookCommands,
        configDirectory: configuration.configDirectory,
        incidentCommands: configuration.incidentCommands,
        desk: incidents?.desk
    ).addRoutes(to: slack)
    SlackEventsController(responder: RunbookResponder(library: library), poster: incidents?.poster).addRoutes(to: slack)
    InteractionsController(
        responder: RunbookResponder(library: library), desk: incidents?.desk, responses: ResponseURLClient(client: .shared)
    ).addRoutes(to: slack)
    extraSlackRoutes(slack)
    return router
}
