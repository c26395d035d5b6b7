import Atomics
import HummingbirdWSClient
import Incidents
import Logging
import ServiceLifecycle
import Slack

/// Slack Socket Mode: the bot dials out over a websocket instead of taking HTTP requests.
///
/// Envelopes go through the same handlers as the HTTP endpoints and are acknowledged at
/// once. On `disconnect`, a fresh connection is opened and greeted before the old one is
/// closed. Pings go out every `pingInterval`; a link that leaves a ping unanswered for a
/// whole interval is dead and is replaced. Failed attempts back off exponentially with
/// jitter, and `Retry-After` is respected when `apps.connections.open` is rate limited.
struct SocketModeService: Service {
    let api: SlackWebAPI
    /// The app-level token (`xapp-…`).
    let appToken: String
    let dispatcher: EnvelopeDispatcher
    let clock: any BotClock
    let logger: Logger
    var pingInterval: Duration = .seconds(10)
    var backoff = Backoff.reconnect
    var metrics: BotMetrics?

    /// Why a connection could not be opened.
    enum OpenFailure: Error, CustomStringConvertible {
        case rateLimited(retryAfter: Duration?)
        case refused(String)

        var description: String {
            switch self {
            case .rateLimited(let wait): "rate limited; retry after \(wait.map { "\($0)" } ?? "backoff")"
            case .refused(let reason): reason
            }
        }
    }

    /// `apps.connections.open`: a fresh websocket URL.
    private func open() async throws(OpenFailure) -> String {
        switch await api.openConnection(appToken: appToken) {
        case .ok(let answer): return answer.url
        case .rateLimited(let retryAfter): throw .rateLimited(retryAfter: retryAfter)
        case .retryable(let reason), .final(let reason): throw .refused(reason)
        }
    }

    enum Event: Sendable {
        case greeted(Int, WebSocketOutboundWriter)
        case replaceRequested(Int)
        case ended(Int)
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                let (events, sink) = AsyncStream<Event>.makeStream()
                var newest = 0
                var open: [Int: WebSocketOutboundWriter] = [:]
                group.addTask { await connection(0, events: sink) }
                for await event in events {
                    switch event {
                    case .greeted(let id, let writer):
                        open[id] = writer
                        // The new link is up: now the ones it replaces may go.
                        for (older, oldWriter) in open where older < id {
                            open[older] = nil
                            try? await oldWriter.close(.normalClosure, reason: "replaced")
                        }
                    case .replaceRequested(let id) where id == newest:
                        newest += 1
                        let next = newest
                        group.addTask { await connection(next, events: sink) }
                    case .ended(let id):
                        open[id] = nil
                        if id == newest {
                            newest += 1
                            let next = newest
                            group.addTask { await connection(next, events: sink) }
                        }
                    default:
                        continue
                    }
                }
                group.cancelAll()
            }
        }
    }

    /// Opens (retrying as long as it takes) and runs one connection, reporting what happens.
    private func connection(_ id: Int, events: AsyncStream<Event>.Continuation) async {
        if id > 0 { metrics?.socketModeReconnect() }
        var failures = 0
        while !Task.isCancelled {
            do {
                let url = try await open()
                let greeted = ManagedAtomic(false)
                let configuration = WebSocketClientConfiguration(
                    maxFrameSize: SocketModeEnvelope.maximumMessageSize,
                    // A dead peer never answers the close handshake either: do not wait long for it.
                    closeTimeout: min(pingInterval, .seconds(5)),
                    autoPing: .enabled(timePeriod: pingInterval)
                )
                try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                    for try await message in inbound.messages(maxSize: SocketModeEnvelope.maximumMessageSize) {
                        guard case .text(let text) = message else { continue }
                        switch await dispatcher.handle(text, logger: logger) {
                        case .hello:
                            greeted.store(true, ordering: .relaxed)
                            logger.info("Socket Mode: connected", metadata: ["connection": "\(id)"])
                            events.yield(.greeted(id, outbound))
                        case .disconnect(let reason):
                            // Keep serving this link until the replacement says hello.
                            logger.info("Socket Mode: Slack asked to reconnect", metadata: ["reason": "\(reason)", "connection": "\(id)"])
                            events.yield(.replaceRequested(id))
                        case .acknowledge(let frame):
                            try await outbound.write(.text(frame))
                        case .ignore:
                            continue
                        }
                    }
                }
                if !greeted.load(ordering: .relaxed) { failures += 1 }
                logger.info("Socket Mode: connection closed", metadata: ["connection": "\(id)"])
                break
            } catch let failure as OpenFailure {
                failures += 1
                let wait: Duration = if case .rateLimited(let retryAfter?) = failure {
                    retryAfter
                } else {
                    backoff.delay(afterFailures: failures)
                }
                logger.warning("Socket Mode: cannot open a connection", metadata: ["reason": "\(failure)", "retry_in": "\(wait)"])
                try? await clock.sleep(for: wait)
            } catch {
                failures += 1
                logger.warning("Socket Mode: connection failed", metadata: ["error": "\(error)", "connection": "\(id)"])
                break
            }
        }
        if failures > 0, !Task.isCancelled {
            // A link that failed before it ever worked: wait before the next one is tried.
            try? await clock.sleep(for: backoff.delay(afterFailures: failures))
        }
        events.yield(.ended(id))
    }
}

extension SocketModeService: CustomStringConvertible {
    var description: String { "SocketModeService" }
}
