import AsyncHTTPClient
import Atomics
import Foundation
import HummingbirdWSClient
import Logging
import ServiceLifecycle

/// Slack Socket Mode: the bot dials out over a websocket instead of taking HTTP requests.
///
/// Envelopes go through the same handlers as the HTTP endpoints and are acknowledged at
/// once. On `disconnect`, a fresh connection is opened and greeted before the old one is
/// closed. Pings go out every `pingInterval`; a link that leaves a ping unanswered for a
/// whole interval is dead and is replaced. Failed attempts back off exponentially with
/// jitter, and `Retry-After` is respected when `apps.connections.open` is rate limited.
struct SocketModeService: Service {
    let connector: SocketModeConnector
    let dispatcher: EnvelopeDispatcher
    let logger: Logger
    var pingInterval: Duration = .seconds(10)

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
        var failures = 0
        while !Task.isCancelled {
            do {
                let url = try await connector.open()
                let greeted = ManagedAtomic(false)
                let configuration = WebSocketClientConfiguration(
                    maxFrameSize: 1 << 20,
                    // A dead peer never answers the close handshake either: do not wait long for it.
                    closeTimeout: min(pingInterval, .seconds(5)),
                    autoPing: .enabled(timePeriod: pingInterval)
                )
                try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                    for try await message in inbound.messages(maxSize: 1 << 22) {
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
            } catch let failure as SocketModeConnector.Failure {
                failures += 1
                let wait: Duration = if case .rateLimited(let seconds) = failure {
                    .milliseconds(Int64(seconds * 1000))
                } else {
                    Self.backoff(failures: failures)
                }
                logger.warning("Socket Mode: cannot open a connection", metadata: ["reason": "\(failure)", "retry_in": "\(wait)"])
                try? await Task.sleep(for: wait)
            } catch {
                failures += 1
                logger.warning("Socket Mode: connection failed", metadata: ["error": "\(error)", "connection": "\(id)"])
                break
            }
        }
        if failures > 0, !Task.isCancelled {
            // A link that failed before it ever worked: wait before the next one is tried.
            try? await Task.sleep(for: Self.backoff(failures: failures))
        }
        events.yield(.ended(id))
    }

    /// About 0.5 s, 1 s, 2 s … up to a minute, each scaled by a random 0.5–1.0.
    static func backoff(failures: Int) -> Duration {
        let seconds = min(60.0, pow(2.0, Double(min(failures, 7) - 1))) * Double.random(in: 0.5...1.0)
        return .milliseconds(Int64(seconds * 1000))
    }
}

extension SocketModeService: CustomStringConvertible {
    var description: String { "SocketModeService" }
}
