import BotServer
import Foundation
import Incidents
import Logging
import RunbookModel
import ServiceLifecycle
import Storage

/// Escalation timing under load: N open incidents whose next level falls due across 60 s,
/// with the real scheduler and outbox on a real SQLite file. Lateness is measured as the
/// moment the escalation's transaction committed minus its deadline.
enum EscalationBenchmark {
    static func run(counts: [Int]) async throws {
        print("## Escalation timing (release build, SQLite WAL, scheduler + outbox sender running)")
        for count in counts {
            try await spread(count: count)
        }
        try await restart(count: counts.max() ?? 1000)
    }

    /// Deadlines spread evenly over 60 s.
    static func spread(count: Int) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = TimingStore(base: try SQLiteIncidentStore(path: directory + "/incidents.sqlite", clock: SystemClock()))
        let start = SystemClock().now().adding(seconds: 5)
        let rssBefore = residentMegabytes()
        try await BenchIncidents.declare(count: count, into: store) { index in
            // Level 2 of each incident falls due at start + index·60 s / count.
            start.adding(milliseconds: Int64(index) * 60_000 / Int64(count))
        }
        let rssLoaded = residentMegabytes()
        store.reset()
        let group = try serviceGroup(store: store)
        let running = Task { try await group.run() }
        let deadline = ContinuousClock.now + .seconds(90)
        while store.fired < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        let rssRunning = residentMegabytes()
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        print("""
            \(count) incidents, deadlines over 60 s: fired \(store.fired); lateness \(BenchStatistics.summary(store.lateness)); \
            RSS \(rssBefore) MB before, \(rssLoaded) MB after declaring, \(rssRunning) MB at the end
            """)
    }

    /// All deadlines already passed (the bot was down): time from start to the first and last firing.
    static func restart(count: Int) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/incidents.sqlite"
        let past = SystemClock().now().adding(seconds: -3600)
        try await BenchIncidents.declare(count: count, into: TimingStore(base: try SQLiteIncidentStore(path: path, clock: SystemClock()))) { _ in past }
        // A fresh process's view: open the file again and start the services.
        let started = ContinuousClock.now
        let store = TimingStore(base: try SQLiteIncidentStore(path: path, clock: SystemClock()))
        let group = try serviceGroup(store: store)
        let running = Task { try await group.run() }
        while store.fired == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let first = ContinuousClock.now - started
        while store.fired < count, ContinuousClock.now - started < .seconds(120) { try await Task.sleep(for: .milliseconds(20)) }
        let all = ContinuousClock.now - started
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        print("restart with \(count) overdue escalations: first fired \(BenchStatistics.format(BenchStatistics.milliseconds(first))) ms after start, all \(store.fired) in \(BenchStatistics.format(BenchStatistics.milliseconds(all))) ms")
    }

    /// The bot as `serve` builds it (local mode, no runbooks), on the instrumented store.
    static func serviceGroup(store: TimingStore) throws -> ServiceGroup {
        var logger = Logger(label: "bench")
        // Local mode logs every message it would send; at this volume that would be the benchmark.
        logger.logLevel = .error
        var configuration = BotConfiguration(library: RunbookLibrary(runbooks: []), signingSecret: "bench")
        configuration.port = 0
        let app = try buildApplication(configuration, logger: logger, store: store)
        return ServiceGroup(configuration: .init(services: [app], logger: logger))
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func residentMegabytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }
}
