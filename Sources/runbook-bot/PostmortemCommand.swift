import ArgumentParser
import BotServer
import Foundation
import Incidents
import RunbookModel

struct PostmortemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postmortem",
        abstract: "Print an incident's postmortem as Markdown: summary, timeline, escalation, procedure runs, updates, failures and runbook follow-ups."
    )

    @OptionGroup var config: ConfigOptions

    @Option(name: .customLong("data-dir"), help: "Where the bot keeps its state.")
    var dataDirectory = BotConfiguration.Defaults.dataDirectory

    @Option(name: .customLong("database-url"), help: "postgres://user:password@host:port/database: read the incident from PostgreSQL instead of --data-dir.")
    var databaseURL: String?

    @Argument(help: "The incident, e.g. INC-12.")
    var incident: String

    func run() async throws {
        guard let id = IncidentCommand.normalizedID(incident) else { throw ValidationError("'\(incident)' is not an incident id (INC-12)") }
        let (library, settings) = try ConfigLoading.loadWithSettingsOrExit(config, quietWarnings: true)
        let found = try await StoredRecord.read(dataDirectory: dataDirectory, databaseURL: databaseURL) { store -> Postmortem? in
            guard let found = try await store.incident(id) else { return nil }
            return try await Postmortem.record(of: found, store: store, runs: store, library: library)
        }
        guard let found else { throw RecordUnavailable("no incident database in \(dataDirectory)") }
        guard let postmortem = found else { throw RecordUnavailable("there is no incident \(id)") }
        print(MarkdownRenderer.render(postmortem.card(times: TimeFormatter(timeZoneIdentifier: settings.timeZone), now: SystemClock().now())), terminator: "")
    }
}
