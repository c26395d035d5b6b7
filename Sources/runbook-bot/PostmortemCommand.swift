import ArgumentParser
import BotServer
import Foundation
import Incidents
import RunbookModel
import Storage

struct PostmortemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postmortem",
        abstract: "Print an incident's postmortem as Markdown: summary, timeline, escalation, procedure runs, updates, failures and runbook follow-ups."
    )

    @OptionGroup var config: ConfigOptions

    @Option(name: .customLong("data-dir"), help: "Where the bot keeps its state.")
    var dataDirectory = BotConfiguration.Defaults.dataDirectory

    @Argument(help: "The incident, e.g. INC-12.")
    var incident: String

    func run() async throws {
        guard let id = IncidentCommand.normalizedID(incident) else { throw ValidationError("'\(incident)' is not an incident id (INC-12)") }
        let (library, settings) = try ConfigLoading.loadWithSettingsOrExit(config, quietWarnings: true)
        let path = (dataDirectory as NSString).appendingPathComponent("incidents.sqlite")
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no incident database at \(path)") }
        let store = try SQLiteIncidentStore(path: path, clock: SystemClock())
        guard let found = try await store.incident(id) else { throw ValidationError("there is no incident \(id)") }
        let postmortem = Postmortem(
            incident: found, timeline: try await store.timeline(id), deliveries: try await store.deliveries(id),
            runs: try await store.runs(incidentID: id), runbook: library.runbook(found.policy.system)
        )
        print(MarkdownRenderer.render(postmortem.card(times: TimeFormatter(timeZoneIdentifier: settings.timeZone), now: SystemClock().now())), terminator: "")
    }
}
