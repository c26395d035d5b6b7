import Incidents
import RunbookModel

/// What the public status page shows: published incidents only, under their public name,
/// with the text someone chose to publish. Internal titles, updates, channels, people and
/// unpublished incidents never appear.
struct PublicStatus: Encodable, Sendable {
    struct OpenIncident: Encodable, Sendable {
        var id: String
        /// The affected system, as its runbook names it.
        var name: String
        var impact: String
        /// For styling only: the page's colour follows the severity.
        var severity: IncidentSeverity
        var since: String
        var sinceEpochMs: Int64
        var message: String
        var messageAt: String
    }

    struct ResolvedIncident: Encodable, Sendable {
        var id: String
        var name: String
        var impact: String
        var since: String
        var resolvedAt: String
        var resolvedAtEpochMs: Int64
        var duration: String
        /// The last text published while it was open.
        var message: String
    }

    var generatedAt: String
    var open: [OpenIncident]
    var resolvedLastSevenDays: [ResolvedIncident]

    init(open: [Incident], resolved: [Incident], now: Timestamp, times: TimeFormatter) {
        self.generatedAt = times.format(now)
        self.open = open.sorted { ($0.severity, $0.number) < ($1.severity, $1.number) }.compactMap { incident in
            guard let publication = incident.publication else { return nil }
            return OpenIncident(
                id: incident.id, name: publication.name, impact: publication.impact, severity: incident.severity,
                since: times.format(incident.declaredAt), sinceEpochMs: incident.declaredAt.milliseconds,
                message: publication.text, messageAt: times.format(publication.publishedAt)
            )
        }
        self.resolvedLastSevenDays = resolved.compactMap { incident in
            guard let publication = incident.publication, let resolvedAt = incident.resolvedAt else { return nil }
            return ResolvedIncident(
                id: incident.id, name: publication.name, impact: publication.impact,
                since: times.format(incident.declaredAt), resolvedAt: times.format(resolvedAt),
                resolvedAtEpochMs: resolvedAt.milliseconds,
                duration: TimeFormatter.elapsed(from: incident.declaredAt, to: resolvedAt), message: publication.text
            )
        }
    }
}
