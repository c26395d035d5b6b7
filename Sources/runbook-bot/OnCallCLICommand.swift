import ArgumentParser
import BotServer
import Foundation
import Incidents
import RunbookModel

/// `runbook-bot oncall export|preview`: a rotation's shifts from `oncall.yaml` and the
/// overrides recorded from chat, without a server.
struct OnCallCLICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oncall",
        abstract: "Show a rotation's shifts: an iCalendar to import, or a table to read.",
        subcommands: [Export.self, Preview.self]
    )

    struct Window: ParsableArguments {
        @Argument(help: "The rotation id from oncall.yaml.")
        var rotation: String

        @Option(help: "First day, YYYY-MM-DD, from midnight in the rotation's time zone (default: today).")
        var from: String?

        @Option(help: "How many days (1–\(OnCallCalendar.maxDays)).")
        var days: Int?

        @OptionGroup var config: ConfigOptions

        @Option(name: .customLong("data-dir"), help: "The bot's data directory, for the overrides recorded from chat (default: \(BotConfiguration.Defaults.dataDirectory), when it holds a database).")
        var dataDirectory: String?

        @Option(name: .customLong("database-url"), help: "postgres://user:password@host:port/database: read the overrides from PostgreSQL instead.")
        var databaseURL: String?

        func validate() throws {
            if let days, !(1...OnCallCalendar.maxDays).contains(days) {
                throw ValidationError("--days must be from 1 to \(OnCallCalendar.maxDays)")
            }
            if let from, CalendarDate(parsing: from) == nil {
                throw ValidationError("--from must be a date, YYYY-MM-DD")
            }
        }

        /// The rotation, the roster (the file's, with the overrides recorded from chat), and
        /// where the window starts.
        func load() async throws -> (rotation: Rotation, roster: OnCallRoster, start: Date) {
            let library = try ConfigLoading.loadOrExit(config, quietWarnings: true)
            guard let rotation = library.rotation(rotation) else {
                let known = library.rotations.map(\.id)
                printError("no rotation '\(rotation)' in \(config.directory)/oncall.yaml" + (known.isEmpty ? "" : "; rotations: \(known.joined(separator: ", "))"))
                throw ExitCode(1)
            }
            guard rotation.plan != nil else {
                printError("PagerDuty keeps the shifts of '\(rotation.id)' (schedule \(rotation.pagerDutySchedule ?? "")); see them in PagerDuty")
                throw ExitCode(1)
            }
            let day = from.flatMap(CalendarDate.init(parsing:)) ?? ConfigLoading.today
            let start = OnCallCalendar.startOfDay(day, in: rotation.timeZone)
            var roster = OnCallRoster(library: library)
            let directory = dataDirectory ?? BotConfiguration.Defaults.dataDirectory
            if let recorded = try await StoredRecord.read(dataDirectory: directory, databaseURL: databaseURL, {
                try await $0.overrides(endingAfter: Timestamp(start))
            }) {
                roster.overrides = recorded
                // Beside the output, not in it: stdout stays a calendar or a table.
                let own = recorded.filter { $0.rotationID == rotation.id }.count
                printError("\(own) override(s) recorded from chat for \(rotation.id) included, from \(databaseURL == nil ? directory : "the database")")
            }
            return (rotation, roster, start)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the rotation's shifts as an RFC 5545 iCalendar: one event per shift, times in UTC, stable UIDs."
        )

        @OptionGroup var window: Window

        func run() async throws {
            let (rotation, roster, start) = try await window.load()
            let calendar = OnCallCalendar.iCalendar(rotation, roster: roster, from: start, days: window.days ?? 90, stamp: Date())
            FileHandle.standardOutput.write(Data((calendar ?? "").utf8))
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the rotation's shifts as a table in its time zone.")

        @OptionGroup var window: Window

        func run() async throws {
            let (rotation, roster, start) = try await window.load()
            print(OnCallCalendar.preview(rotation, roster: roster, from: start, days: window.days ?? 14) ?? "", terminator: "")
        }
    }
}
