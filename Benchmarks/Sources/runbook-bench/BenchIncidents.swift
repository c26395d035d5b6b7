import Foundation
import Incidents
import RunbookModel

/// The incidents the escalation benchmarks declare: each declared one hour before its
/// level 2 falls due, with level 1 already reached and nothing queued for delivery, so the
/// only thing that happens to it during a run is level 2 firing (its ping, the card update
/// and "last level reached"). Shared by the single-process and the replica benchmarks.
enum BenchIncidents {
    /// Level 1 at once, level 2 after an hour, no repeats.
    static let policy = PolicySnapshot(system: "bench", runsWhile: .unresolved, levels: [
        PolicySnapshot.Level(level: 1, name: "On-call", afterSeconds: 0, targets: [NotifyTarget(contactID: "a", name: "A", chat: .user(id: "U0A"))]),
        PolicySnapshot.Level(level: 2, name: "Lead", afterSeconds: 3600, targets: [NotifyTarget(contactID: "b", name: "B", chat: .user(id: "U0B"))]),
    ])

    /// Declares `count` incidents, the `index`th in channel `C<index % channels>` with level 2
    /// due at `due(index)`, and returns each incident's id with its level-2 deadline.
    ///
    /// Each incident already has a thread, as if its card had been posted: the ping and
    /// "last level reached" are thread replies, which the Slack transport refuses to send
    /// without one. Giving the thread here rather than posting the cards keeps 10,000 card
    /// posts out of the measured window.
    @discardableResult
    static func declare(
        count: Int, channels: Int = 50, into store: any IncidentStore, due: (Int) -> Timestamp
    ) async throws -> [String: Timestamp] {
        var deadlines: [String: Timestamp] = [:]
        deadlines.reserveCapacity(count)
        for index in 0..<count {
            let deadline = due(index)
            let declaredAt = deadline.adding(seconds: -3600)
            let incident = try await store.declare { number in
                var transition = IncidentMachine.declare(
                    .init(title: "bench \(index)", severity: .sev3, channel: "C\(index % channels)", declaredBy: "U0", policy: policy),
                    number: number, at: declaredAt
                )
                transition.incident.threadTS = "1600000000.\(String(format: "%06d", number))"
                transition.effects = []
                return Change(transition: transition, deliveries: [])
            }
            deadlines[incident.id] = deadline
        }
        return deadlines
    }
}

/// Percentiles and the numbers the benchmarks print.
enum BenchStatistics {
    /// The value at fraction `p` of `sorted` (nearest rank, rounding down).
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    /// "p50 X ms, p99 Y ms, max Z ms" of unsorted values.
    static func summary(_ values: [Double]) -> String {
        let sorted = values.sorted()
        return "p50 \(format(percentile(sorted, 0.5))) ms, p99 \(format(percentile(sorted, 0.99))) ms, max \(format(sorted.last ?? 0)) ms"
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
