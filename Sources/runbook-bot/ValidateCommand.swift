import ArgumentParser
import BotServer
import Foundation
import Incidents
import RunbookModel

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the runbooks and on-call rotations: every error and warning, with file, line and field; with the bot's data, the drill record too."
    )

    @OptionGroup var config: ConfigOptions

    @Option(name: .customLong("data-dir"), help: "The bot's data directory: also warn about procedures never drilled, drilled long ago, or slower in drills than their watch_for.")
    var dataDirectory: String?

    @Option(name: .customLong("database-url"), help: "postgres://user:password@host:port/database: read the drill record from PostgreSQL instead of --data-dir.")
    var databaseURL: String?

    func run() async throws {
        let result = RunbookLoader.load(configDirectory: config.directory, today: ConfigLoading.today)
        for diagnostic in result.diagnostics { print(diagnostic.description) }
        let errors = result.diagnostics.errors.count
        var warnings = result.diagnostics.warnings.count
        if let library = result.library {
            for runbook in library.runbooks {
                print("\(runbook.sourceFile): \(runbook.system.id): \(runbook.failureModes.count) failure modes, \(runbook.procedures.count) procedures, \(runbook.dependencies.count) dependencies, \(runbook.escalation.levels.count) escalation levels, \(runbook.contacts.count) contacts")
            }
            for rotation in library.rotations {
                print("rotation \(rotation.id): \(rotation.summary)")
            }
            for warning in try await drillWarnings(library, timeZone: result.settings.timeZone) {
                print("warning: \(warning)")
                warnings += 1
            }
        }
        print("\(errors) error(s), \(warnings) warning(s)")
        if errors > 0 { throw ExitCode(1) }
    }

    /// The drill record's warnings, when the bot's data is given; none otherwise, so the
    /// runbooks can be validated anywhere (in CI, before the bot ever ran).
    private func drillWarnings(_ library: RunbookLibrary, timeZone: String) async throws -> [String] {
        guard dataDirectory != nil || databaseURL != nil else { return [] }
        // A bot that never ran has drilled nothing; no database is created just to say so.
        let drills = try await StoredRecord.read(dataDirectory: dataDirectory ?? "", databaseURL: databaseURL) {
            try await $0.drills(limit: 10_000)
        } ?? []
        return DrillWarnings.warnings(library: library, drills: drills, now: SystemClock().now(), times: TimeFormatter(timeZoneIdentifier: timeZone))
    }
}
