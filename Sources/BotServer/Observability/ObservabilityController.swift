import Foundation
import Hummingbird
import Incidents

/// `GET /readyz`: whether this process should get traffic — its store answers, no due
/// escalation is more than 30 s late, no message in either outbox (incidents', runs') is
/// more than 5 minutes old.
/// `GET /metrics`: Prometheus's text format. (`/healthz` stays a plain liveness check.)
struct ObservabilityController: Sendable {
    static let escalationLimit: Duration = .seconds(30)
    static let outboxLimit: Duration = .seconds(300)

    let store: any IncidentStore
    /// The run outbox, when runs are kept.
    var runs: (any RunStore)? = nil
    let clock: any BotClock
    let metrics: BotMetrics
    let storeKind: String

    struct Readiness: Encodable {
        var ready: Bool
        var problems: [String]
    }

    func addRoutes(to router: Router<BotRequestContext>) {
        router.get("readyz") { _, _ in
            let readiness = await readiness()
            let body = try JSONEncoder().encode(readiness)
            return Response(
                status: readiness.ready ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        router.get("metrics") { _, _ in
            _ = await readiness()  // refreshes the gauges read from the store
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
    }

    /// Asks the store, updates the gauges, and says what is wrong.
    func readiness() async -> Readiness {
        let now = clock.now()
        do {
            let queues = try await store.outboxQueues().map { (outbox: "incidents", state: $0) }
                + (try await runs?.runOutboxQueues() ?? []).map { (outbox: "runs", state: $0) }
            let overdue = try await store.nextDeadline().map { max(.zero, $0.duration(until: now)) } ?? .zero
            metrics.refresh(queues: queues, overdue: overdue, now: now, storeKind: storeKind)
            var problems: [String] = []
            if overdue > Self.escalationLimit {
                problems.append("an escalation is \(overdue.components.seconds) s overdue")
            }
            for (outbox, queue) in queues where queue.oldest.duration(until: now) > Self.outboxLimit {
                let name = outbox == "runs" ? "run outbox" : "outbox"
                problems.append("\(name) queue \(queue.queue) has a message \(queue.oldest.duration(until: now).components.seconds) s old")
            }
            return Readiness(ready: problems.isEmpty, problems: problems)
        } catch {
            return Readiness(ready: false, problems: ["the store does not answer"])
        }
    }
}

/// Counts every answered request by route and status. Paths outside the bot's routes count
/// as "other", so a scan of random URLs cannot grow the label set.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = BotRequestContext
    static let routes: Set<String> = [
        "/slack/commands", "/slack/events", "/slack/interactions", "/status", "/status.json", "/healthz", "/readyz", "/metrics",
    ]

    let metrics: BotMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = Self.routes.contains(request.uri.path) ? request.uri.path : "other"
        do {
            let response = try await next(request, context)
            metrics.request(route: route, status: response.status.code)
            return response
        } catch let error as HTTPResponseError {
            metrics.request(route: route, status: error.status.code)
            throw error
        } catch {
            metrics.request(route: route, status: 500)
            throw error
        }
    }
}
