import Incidents

/// What one replica run measured, and its summary line.
struct ReplicaOutcome {
    /// Each incident's level-2 deadline.
    var deadlines: [String: Timestamp]
    /// The `at` of each incident's level-2 timeline line (when the firing pass began); absent
    /// where level 2 never fired.
    var passStarted: [String: Timestamp]
    /// When each incident's firing committed, from the replicas' logs.
    var committed: [String: Timestamp]
    var pings: [FakeSlack.Ping]
    var slackCalls: Int
    var declared: Duration
    /// Percent of both cores busy during the 60 s window.
    var cpuBusy: Double

    /// Later than this at Slack is counted apart: the aim for the worst ping with a kill.
    static let aimMax = 2000.0

    /// Committed minus deadline, in ms, for the incidents whose level 2 fired.
    var commitLateness: [Double] {
        deadlines.compactMap { id, due in committed[id].map { Double($0.milliseconds - due.milliseconds) } }
    }

    /// The level-2 pings each incident got, by incident.
    var levelTwoPings: [String: [Timestamp]] {
        pings.filter { $0.level == 2 }.reduce(into: [:]) { $0[$1.incidentID, default: []].append($1.arrived) }
    }

    func line(label: String) -> String {
        let byIncident = levelTwoPings
        // The first arrival counts for lateness; a second is a duplicate, not a later ping.
        let arrival = deadlines.compactMap { id, due in
            byIncident[id]?.min().map { Double($0.milliseconds - due.milliseconds) }
        }
        let duplicates = deadlines.keys.filter { (byIncident[$0]?.count ?? 0) > 1 }.count
        let lost = deadlines.keys.filter { byIncident[$0] == nil }.count
        let unfired = deadlines.keys.filter { passStarted[$0] == nil }.count
        let strangers = byIncident.keys.filter { deadlines[$0] == nil }.count
        let overAim = arrival.filter { $0 > Self.aimMax }.count
        return """
            \(label): \(deadlines.count) incidents due over 60 s (declared in \(BenchStatistics.format(BenchStatistics.milliseconds(declared) / 1000)) s); \
            escalation committed \(BenchStatistics.summary(commitLateness)); \
            ping at Slack \(BenchStatistics.summary(arrival)), \(overAim) over 2 s; \
            \(duplicates) duplicates, \(lost) lost (no ping 30 s after the last deadline\(unfired > 0 ? "; \(unfired) of them not fired yet" : ""))\
            \(strangers > 0 ? ", \(strangers) pings for unknown incidents" : ""); \(slackCalls) Slack calls; \
            CPU \(String(format: "%.0f", cpuBusy))% busy over the window
            """
    }
}
