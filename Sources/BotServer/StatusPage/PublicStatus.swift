import Incidents
import RunbookModel

/// What the public status page may show of incidents: no contacts, no Slack ids, no
/// internal notes — only what customers and other teams need.
struct PublicStatus: Encodable, Sendable {
    struct OpenIncident: Encodable, Sendable {
        var id: String
        var title: String
        var severity: IncidentSeverity
        var state: String
        var since: String
        var sinceEpochMs: Int64
        var level: Int
        var levels: Int
        var latestUpdate: String?
        var latestUpdateAt: String?
    }

    struct ResolvedIncident: Encodable, Sendable {
        var id: String
        var title: String
        var severity: IncidentSeverity
        var since: String
        var resolvedAt: String
        var resolvedAtEpochMs: Int64
        var duration: String
    }

    var generatedAt: String
    var open: [OpenIncident]
    var resolvedLastSevenDays: [ResolvedIncident]

    init(open: [Incident], resolved: [Incident], now: Timestamp, times: TimeFormatter) {
        self.generatedAt = times.format(now)
        self.open = open.sorted { ($0.severity, $0.number) < ($1.severity, $1.number) }.map { incident in
            OpenIncident(
                id: incident.id, title: incident.title, severity: incident.severity,
                state: incident.state.rawValue, since: times.format(incident.declaredAt),
                sinceEpochMs: incident.declaredAt.milliseconds, level: incident.levelsReached,
                levels: incident.policy.levels.count, latestUpdate: incident.lastStatusText,
                latestUpdateAt: incident.lastStatusUpdateAt.map(times.format)
            )
        }
        self.resolvedLastSevenDays = resolved.compactMap { incident in
            guard let resolvedAt = incident.resolvedAt else { return nil }
            return ResolvedIncident(
                id: incident.id, title: incident.title, severity: incident.severity,
                since: times.format(incident.declaredAt), resolvedAt: times.format(resolvedAt),
                resolvedAtEpochMs: resolvedAt.milliseconds,
                duration: TimeFormatter.elapsed(from: incident.declaredAt, to: resolvedAt)
            )
        }
    }
}
