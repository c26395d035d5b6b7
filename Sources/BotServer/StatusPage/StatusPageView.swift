import Foundation
import Incidents
import Mustache

/// What the status page template shows: the public status, plus the banner that answers
/// "is something wrong, how bad, since when" at a glance. Every value is escaped by the
/// template engine; the template holds the only HTML.
struct StatusPageView {
    struct OpenIncident {
        var id: String
        var name: String
        var impact: String
        /// A severity name from the one severity type: safe as a CSS class.
        var severity: String
        var since: String
        var message: String
        var messageAt: String
    }

    struct ResolvedIncident {
        var id: String
        var name: String
        var impact: String
        var resolvedAt: String
        var duration: String
        var message: String
    }

    static let refreshSeconds = 30

    var refreshSeconds = Self.refreshSeconds
    var bannerTone: String
    var bannerText: String
    var hasOpen: Bool
    var open: [OpenIncident]
    var hasResolved: Bool
    var resolved: [ResolvedIncident]
    var generatedAt: String

    init(_ status: PublicStatus) {
        let count = status.open.count
        let incidents = count == 1 ? "1 open incident" : "\(count) open incidents"
        switch status.open.first?.severity {
        case nil: (bannerTone, bannerText) = ("ok", "All systems operational")
        // The worst open incident's impact word, as its card says it.
        case .critical, .sev1: (bannerTone, bannerText) = ("bad", "\(incidents) — \(status.open[0].impact.lowercased())")
        case .sev2, .sev3, .sev4: (bannerTone, bannerText) = ("warn", "\(incidents) — \(status.open[0].impact.lowercased())")
        }
        hasOpen = count > 0
        open = status.open.map { incident in
            OpenIncident(
                id: incident.id, name: incident.name, impact: incident.impact, severity: incident.severity.rawValue,
                since: incident.since, message: incident.message, messageAt: incident.messageAt
            )
        }
        hasResolved = !status.resolvedLastSevenDays.isEmpty
        resolved = status.resolvedLastSevenDays.map {
            ResolvedIncident(id: $0.id, name: $0.name, impact: $0.impact, resolvedAt: $0.resolvedAt, duration: $0.duration, message: $0.message)
        }
        generatedAt = status.generatedAt
    }
}

/// The status page template, loaded once from the bundle's resources.
struct StatusPageTemplate: Sendable {
    let template: MustacheTemplate

    init() throws {
        guard let url = Bundle.module.url(forResource: "status", withExtension: "mustache", subdirectory: "Templates") else {
            throw CocoaError(.fileNoSuchFile)
        }
        template = try MustacheTemplate(string: String(contentsOf: url, encoding: .utf8))
    }

    func render(_ status: PublicStatus) -> String {
        template.render(StatusPageView(status))
    }
}
