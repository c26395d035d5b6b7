import ArgumentParser
import Foundation
import Incidents
import RunbookModel

/// `runbook-bot oncall export|preview`: a rotation's shifts from `oncall.yaml`, without a server.
struct OnCallCLICommand: ParsableCommand {
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

        func validate() throws {
            if let days, !(1...OnCallCalendar.maxDays).contains(days) {
                throw ValidationError("--days must be from 1 to \(OnCallCalendar.maxDays)")
            }
            if let from, CalendarDate(parsing: from) == nil {
                throw ValidationError("--from must be a date, YYYY-MM-DD")
            }
        }

        /// The rotation, the roster of the file alone, and where the window starts.
        func load() throws -> (rotation: Rotation, roster: OnCallRoster, start: Date) {
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
            return (rotation, OnCallRoster(library: library), OnCallCalendar.startOfDay(day, in: rotation.timeZone))
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the rotation's shifts as an RFC 5545 iCalendar: one event per shift, times in UTC, stable UIDs."
        )

        @OptionGroup var window: Window

        func run() throws {
            let (rotation, roster, start) = try window.load()
            let calendar = OnCallCalendar.iCalendar(rotation, roster: roster, from: start, days: window.days ?? 90, stamp: Date())
            FileHandle.standardOutput.write(Data((calendar ?? "").utf8))
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the rotation's shifts as a table in its time zone.")

        @OptionGroup var window: Window

        func run() throws {
            let (rotation, roster, start) = try window.load()
            print(OnCallCalendar.preview(rotation, roster: roster, from: start, days: window.days ?? 14) ?? "", terminator: "")
        }
    }
}
