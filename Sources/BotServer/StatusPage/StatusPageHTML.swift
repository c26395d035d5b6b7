/// The status page as HTML: readable on a phone, no JavaScript, refreshes itself, and
/// answers "is something wrong, how bad, since when" at a glance.
enum StatusPageHTML {
    static let refreshSeconds = 30

    static func render(_ status: PublicStatus) -> String {
        let worst = status.open.first?.severity
        let banner: (tone: String, text: String) = switch worst {
        case nil: ("ok", "All systems operational")
        case "critical", "sev1": ("bad", status.open.count == 1 ? "1 open incident — major impact" : "\(status.open.count) open incidents — major impact")
        default: ("warn", status.open.count == 1 ? "1 open incident" : "\(status.open.count) open incidents")
        }
        var html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <title>\(escape(banner.text)) · Status</title>
            <style>
            :root { color-scheme: light dark; --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --muted:#6e7781; --card:rgba(127,127,127,.08); }
            * { box-sizing: border-box; }
            body { margin: 0; font: 16px/1.5 -apple-system, system-ui, "Segoe UI", Roboto, sans-serif; }
            main { max-width: 760px; margin: 0 auto; padding: 16px; }
            .banner { border-radius: 12px; padding: 20px; color: #fff; font-size: 1.35rem; font-weight: 700; }
            .banner.ok { background: var(--ok); } .banner.warn { background: var(--warn); } .banner.bad { background: var(--bad); }
            h2 { font-size: 1rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 28px 0 8px; }
            .incident { background: var(--card); border-left: 6px solid var(--muted); border-radius: 8px; padding: 12px 14px; margin: 10px 0; }
            .incident.critical, .incident.sev1 { border-color: var(--bad); } .incident.sev2 { border-color: #bc4c00; }
            .incident.sev3, .incident.sev4 { border-color: var(--warn); } .incident.resolved { border-color: var(--ok); }
            .title { font-weight: 700; font-size: 1.1rem; overflow-wrap: anywhere; }
            .meta { color: var(--muted); font-size: .9rem; }
            .sev { display: inline-block; font-weight: 700; font-size: .8rem; padding: 1px 8px; border-radius: 999px; background: var(--muted); color: #fff; margin-right: 6px; }
            .sev.critical, .sev.sev1 { background: var(--bad); } .sev.sev2 { background: #bc4c00; } .sev.sev3, .sev.sev4 { background: var(--warn); }
            .update { margin-top: 6px; overflow-wrap: anywhere; }
            footer { color: var(--muted); font-size: .85rem; margin: 28px 0; }
            </style>
            </head>
            <body>
            <main>
            <div class="banner \(banner.tone)" role="status">\(escape(banner.text))</div>

            """
        if !status.open.isEmpty {
            html += "<h2>Open incidents</h2>\n"
            for incident in status.open {
                let update = incident.latestUpdate.map { text in
                    "<div class=\"update\"><strong>Latest update</strong> (\(escape(incident.latestUpdateAt ?? ""))): \(escape(text))</div>"
                } ?? "<div class=\"update meta\">No status update yet.</div>"
                html += """
                    <section class="incident \(cssClass(incident.severity))">
                    <div class="title"><span class="sev \(cssClass(incident.severity))">\(escape(incident.severity.uppercased()))</span>\(escape(incident.title))</div>
                    <div class="meta">\(escape(incident.id)) · \(escape(incident.state)) · since \(escape(incident.since)) · escalation level \(incident.level) of \(incident.levels)</div>
                    \(update)
                    </section>

                    """
            }
        }
        html += "<h2>Resolved in the last 7 days</h2>\n"
        if status.resolvedLastSevenDays.isEmpty {
            html += "<p class=\"meta\">No incidents in the last 7 days.</p>\n"
        }
        for incident in status.resolvedLastSevenDays {
            html += """
                <section class="incident resolved">
                <div class="title">\(escape(incident.title))</div>
                <div class="meta">\(escape(incident.id)) · \(escape(incident.severity)) · resolved \(escape(incident.resolvedAt)) after \(escape(incident.duration))</div>
                </section>

                """
        }
        html += """
            <footer>Updated \(escape(status.generatedAt)); this page refreshes every \(refreshSeconds) seconds. Also as <a href="/status.json">JSON</a>.</footer>
            </main>
            </body>
            </html>

            """
        return html
    }

    /// Only known severities become class names; anything else gets none.
    private static func cssClass(_ severity: String) -> String {
        ["critical", "sev1", "sev2", "sev3", "sev4"].contains(severity) ? severity : ""
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
