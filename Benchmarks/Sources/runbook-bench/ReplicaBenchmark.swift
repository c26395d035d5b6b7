import Foundation
import Incidents
import Logging
import PostgresNIO
import PostgresStorage
import Storage

/// Escalations on several replicas sharing one PostgreSQL database, undisturbed or with one
/// replica killed halfway, and the same on SQLite with its one process killed and restarted.
///
/// How it runs, and why:
/// - **Each replica is an OS process** (this binary's hidden `replica` subcommand, the bot as
///   `serve` builds it with `buildApplication`, release build, log level info), so SIGKILL
///   is real: no shutdown code runs, its connections drop, its outbox claims are left to run
///   out. Each has its own port, data directory and log, and its Slack API URL points at the
///   fake Slack in this process.
/// - **The incidents are declared before any replica starts**, straight into the store (a
///   fresh scratch database per run on PostgreSQL, a fresh file on SQLite): `count`
///   incidents in `channels` channels (default 200, so 50 per channel: a channel is one
///   outbox queue, sent in order across replicas, so shared queues and their hand-over after
///   a kill are part of what is measured, as with a team's #incidents channel; one channel
///   per incident would hide both), level 1 already reached and a thread already
///   posted, level 2 due at start + i·60 s/count. Nothing is queued for delivery, so the only
///   traffic in the window is level 2 firing: the ping, the card update, "last level reached".
/// - **Two latenesses per incident.** Committed: the time of the scheduler's "fired" log line
///   for the incident, written as soon as its transaction committed, minus the deadline (the
///   replicas' logs are read afterwards; each line carries its time in milliseconds). At
///   Slack: the first level-2 ping's arrival at the fake Slack minus the deadline, which
///   includes everything (the commit, the outbox, the HTTP call). The escalated timeline
///   line's `at`, read from the database, is the scheduler's clock when the pass that fired
///   it began; it tells which incidents fired at all.
/// - **Duplicates and losses** come from the fake Slack: an incident pinged for level 2 more
///   than once, or never. The run ends when every incident was pinged and the outbox has
///   nothing pending (so no repeat can still come), or 30 s after the last deadline, which
///   covers the 10 s claim window of a killed replica's messages.
/// - **CPU busy** over the window is the whole machine's (`/proc/stat`): on a small machine
///   PostgreSQL, the replicas and the fake Slack share the same cores.
/// - **The kill** comes at 30 s into the window. On PostgreSQL it hits the middle replica
///   (index 1 of 0…2; the replicas are peers, none is special), which is not restarted. On
///   SQLite the only process is killed and started again at once, as a host restart would.
struct ReplicaBenchmark {
    enum Engine {
        case postgres(DatabaseURL)
        case sqlite
    }

    var engine: Engine
    var incidents = 10_000
    var replicas = 3
    var kill = false
    var channels = 200
    /// Time from the start of declaring to the first deadline: declaring and starting the
    /// replicas must fit in it (the run stops if they did not). By default 10 s and what
    /// declaring takes on a 2-core machine: about 8 ms an incident on PostgreSQL (each a
    /// transaction of 8 round trips, one at a time since the counter row orders them), 2 ms
    /// on SQLite.
    var lead: Duration?

    var resolvedLead: Duration {
        lead ?? .seconds(10) + .milliseconds(incidents * (isPostgres ? 8 : 2))
    }
    /// Where the replicas' logs go.
    var logDirectory: String

    static let window: Duration = .seconds(60)
    static let grace: Duration = .seconds(30)

    var isPostgres: Bool {
        if case .postgres = engine { return true }
        return false
    }

    func run() async throws {
        let work = try EscalationBenchmark.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        let fakeSlack = FakeSlack()
        try await fakeSlack.start()
        var logger = Logger(label: "runbook-bench")
        // The store's start-up warns that it leases a connection before its pool runs.
        logger.logLevel = .error

        let scratch: ScratchDatabase?
        let store: any IncidentStore
        let storeTask: Task<Void, any Error>?
        switch engine {
        case .postgres(let server):
            let database = try await ScratchDatabase.create(on: server)
            // Declaring is setup, not measured: its commits do not wait for the disk, or
            // 10,000 declarations, serialised by the counter row, would take over a minute.
            // The replicas commit as configured.
            var configuration = database.url.clientConfiguration()
            configuration.options.additionalStartupParameters = [("synchronous_commit", "off")]
            let postgres = PostgresIncidentStore(configuration: configuration, clock: SystemClock(), logger: logger)
            scratch = database
            store = postgres
            storeTask = Task { try await postgres.run() }
        case .sqlite:
            scratch = nil
            store = try SQLiteIncidentStore(path: work + "/incidents.sqlite", clock: SystemClock(), logger: logger)
            storeTask = nil
        }
        let processes = try (0..<replicas).map { index in
            try ReplicaProcess(
                index: index, slackURL: fakeSlack.apiURL, dataDirectory: "\(work)/replica-\(index)",
                databaseURL: scratch.map { Self.urlText($0.url) }, databasePath: isPostgres ? nil : work + "/incidents.sqlite",
                logPath: "\(logDirectory)/replica-\(isPostgres ? "postgres" : "sqlite")\(kill ? "-kill" : "")-\(index).log"
            )
        }
        do {
            let outcome = try await measure(store: store, processes: processes, fakeSlack: fakeSlack)
            print(outcome.line(label: label))
        } catch {
            for process in processes { await process.kill() }
            await cleanUp(storeTask: storeTask, scratch: scratch, fakeSlack: fakeSlack)
            throw error
        }
        await cleanUp(storeTask: storeTask, scratch: scratch, fakeSlack: fakeSlack)
    }

    private func measure(store: any IncidentStore, processes: [ReplicaProcess], fakeSlack: FakeSlack) async throws -> ReplicaOutcome {
        let declaring = ContinuousClock.now
        let start = SystemClock().now().adding(resolvedLead)
        let deadlines = try await BenchIncidents.declare(count: incidents, channels: channels, into: store) { index in
            start.adding(milliseconds: Int64(index) * Int64(BenchStatistics.milliseconds(Self.window)) / Int64(incidents))
        }
        let declared = ContinuousClock.now - declaring
        for process in processes { try process.start() }
        for process in processes { try await process.waitUntilReady() }
        let margin = SystemClock().now().duration(until: start)
        guard margin > .seconds(1) else {
            throw BenchError("declaring (\(declared)) and starting the replicas took longer than the lead (\(resolvedLead)); raise --lead")
        }

        try await Self.sleep(until: start)
        let cpuAtStart = MachineCPU.read()
        if kill {
            try await Self.sleep(until: start.adding(Self.window / 2))
            let victim = processes[processes.count / 2]
            await victim.kill()
            // SQLite has one process: it comes back at once, as after a host restart.
            if !isPostgres { try victim.start() }
        }
        try await Self.sleep(until: start.adding(Self.window))
        let cpuBusy = MachineCPU.read().busy(since: cpuAtStart)
        // Until every incident was pinged and nothing is pending, or the grace period ends.
        let end = start.adding(Self.window + Self.grace)
        while SystemClock().now() < end {
            let pinged = Set(fakeSlack.pings.lazy.filter { $0.level == 2 }.map(\.incidentID))
            if pinged.count >= deadlines.count, (try? await store.outboxQueues())?.isEmpty == true { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        for process in processes { await process.stop() }

        var passStarted: [String: Timestamp] = [:]
        for id in deadlines.keys {
            let line = try await store.timeline(id).first { $0.kind == .escalated && $0.text.hasPrefix("level 2 ") }
            passStarted[id] = line?.at
        }
        return ReplicaOutcome(
            deadlines: deadlines, passStarted: passStarted, committed: try FiredLines.read(processes.map(\.logPath)),
            pings: fakeSlack.pings, slackCalls: fakeSlack.calls, declared: declared, cpuBusy: cpuBusy
        )
    }

    private func cleanUp(storeTask: Task<Void, any Error>?, scratch: ScratchDatabase?, fakeSlack: FakeSlack) async {
        storeTask?.cancel()
        _ = try? await storeTask?.value
        do {
            try await scratch?.drop()
        } catch {
            print("warning: could not drop the scratch database: \(error)")
        }
        await fakeSlack.stop()
    }

    var label: String {
        let engineName = isPostgres ? "PostgreSQL, \(replicas) replica\(replicas == 1 ? "" : "s")" : "SQLite, 1 process"
        guard kill else { return "\(engineName), undisturbed" }
        return isPostgres
            ? "\(engineName), replica \(replicas / 2 + 1) of \(replicas) killed (SIGKILL) at 30 s"
            : "\(engineName), killed (SIGKILL) at 30 s and restarted at once"
    }

    /// The URL as text for a replica's `DATABASE_URL` (the description hides the password).
    static func urlText(_ url: DatabaseURL) -> String {
        let password = url.password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? ""
        return "postgres://\(url.username)\(password)@\(url.host):\(url.port)/\(url.database)\(url.requiresNoTLS ? "?sslmode=disable" : "")"
    }

    static func sleep(until instant: Timestamp) async throws {
        let wait = SystemClock().now().duration(until: instant)
        if wait > .zero { try await Task.sleep(for: wait) }
    }
}

/// The whole machine's CPU time from `/proc/stat`: how busy both cores were over the window
/// (the replicas, PostgreSQL, the fake Slack, and anything else running).
struct MachineCPU {
    var busy: Int64
    var total: Int64

    static func read() -> MachineCPU {
        let line = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8))?.split(separator: "\n").first ?? ""
        let ticks = line.split(separator: " ").dropFirst().compactMap { Int64($0) }
        guard ticks.count >= 5 else { return MachineCPU(busy: 0, total: 0) }
        // user nice system idle iowait irq softirq steal …; guest time is already in user.
        let total = ticks.prefix(8).reduce(0, +)
        return MachineCPU(busy: total - ticks[3] - ticks[4], total: total)
    }

    /// Percent of the time both cores were busy since `earlier`.
    func busy(since earlier: MachineCPU) -> Double {
        total > earlier.total ? Double(busy - earlier.busy) * 100 / Double(total - earlier.total) : 0
    }
}
