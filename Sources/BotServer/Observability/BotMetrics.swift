import Incidents
import Metrics
import Prometheus
import Synchronization

/// What `/metrics` reports, in Prometheus's text format. Labels are bounded sets — routes,
/// verbs, outcomes, services, queue names (one per chat channel) — never incident or user
/// ids. Instruments are made on this registry's own factory, not the process-wide metrics
/// system, so every application (and every test) counts on its own.
public final class BotMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        let latencyBuckets: [Duration] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        ]
        let latenessBuckets: [Duration] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(30),
        ]
        factory.durationHistogramBuckets = [
            "runbook_lookup_duration_seconds": latencyBuckets,
            "runbook_escalation_lateness_seconds": latenessBuckets,
        ]
        self.factory = factory
        self.lookupTimer = Timer(label: "runbook_lookup_duration_seconds", factory: factory)
    }

    /// Made once: every `/runbook` records into it.
    private let lookupTimer: Timer

    // MARK: Counted as they happen

    /// One HTTP request answered. `route` is one of the bot's routes or "other".
    func request(route: String, status: Int) {
        counter("runbook_http_requests_total", ("route", route), ("status", "\(status)")).increment()
    }

    /// One slash command: `verb` is `lookup` for `/runbook`, the `/incident` verb otherwise.
    func command(verb: String, outcome: String) {
        counter("runbook_commands_total", ("verb", verb), ("outcome", outcome)).increment()
    }

    /// The counter for one label set, made once. These two run on every request; making the
    /// instrument anew each time (label checks, a registry lookup, two allocations) cost
    /// more than counting.
    private func counter(_ label: String, _ first: (String, String), _ second: (String, String)) -> Metrics.Counter {
        let key = CounterKey(label: label, first: first.1, second: second.1)
        if let known = counters.withLock({ $0[key] }) { return known }
        let made = Counter(label: label, dimensions: [first, second], factory: factory)
        return counters.withLock { counters in
            if let known = counters[key] { return known }
            counters[key] = made
            return made
        }
    }

    private struct CounterKey: Hashable {
        var label: String
        var first: String
        var second: String
    }

    private let counters = Mutex<[CounterKey: Metrics.Counter]>([:])

    func lookup(took duration: Duration) {
        lookupTimer.recordNanoseconds(duration.nanoseconds)
    }

    /// From an escalation's deadline to the commit of its transaction.
    func escalation(lateness: Duration) {
        Timer(label: "runbook_escalation_lateness_seconds", factory: factory).recordNanoseconds(max(0, lateness.nanoseconds))
    }

    /// A delivery Slack or PagerDuty did not accept; `kind` is rate_limited, retryable,
    /// final or misconfigured.
    func deliveryError(service: String, kind: String) {
        Counter(label: "runbook_delivery_errors_total", dimensions: [("service", service), ("kind", kind)], factory: factory).increment()
    }

    func socketModeReconnect() {
        Counter(label: "runbook_socket_mode_reconnects_total", factory: factory).increment()
    }

    // MARK: Read at each scrape

    /// The store's state now: outbox depth and oldest message per queue, the most overdue
    /// escalation, and the store kind.
    /// `queues` by outbox: `incidents` (cards, pings, pages, status posts) or `runs` (checklists).
    func refresh(queues: [(outbox: String, state: OutboxQueueState)], overdue: Duration, now: Timestamp, storeKind: String) {
        for (outbox, queue) in queues {
            let dimensions = [("outbox", outbox), ("queue", queue.queue)]
            Gauge(label: "runbook_outbox_depth", dimensions: dimensions, factory: factory).record(queue.depth)
            Gauge(label: "runbook_outbox_oldest_age_seconds", dimensions: dimensions, factory: factory)
                .record(Double(queue.oldest.duration(until: now).nanoseconds) / 1e9)
        }
        // A queue that has drained reads 0 rather than its last depth.
        let current = Set(queues.map { QueueKey(outbox: $0.outbox, queue: $0.state.queue) })
        let drained = seenQueues.withLock { seen -> [QueueKey] in
            let drained = seen.subtracting(current)
            seen = seen.union(current)
            return Array(drained)
        }
        for key in drained {
            let dimensions = [("outbox", key.outbox), ("queue", key.queue)]
            Gauge(label: "runbook_outbox_depth", dimensions: dimensions, factory: factory).record(0)
            Gauge(label: "runbook_outbox_oldest_age_seconds", dimensions: dimensions, factory: factory).record(0)
        }
        Gauge(label: "runbook_escalation_most_overdue_seconds", factory: factory).record(Double(overdue.nanoseconds) / 1e9)
        Gauge(label: "runbook_store_info", dimensions: [("kind", storeKind)], factory: factory).record(1)
    }

    private struct QueueKey: Hashable {
        var outbox: String
        var queue: String
    }

    private let seenQueues = Mutex<Set<QueueKey>>([])

    /// The text exposition.
    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
