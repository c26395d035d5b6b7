import Foundation
import RunbookModel

/// The valid inputs mutations start from that come from a configuration: its runbook and
/// `bot.yaml` texts, and its library for search. Loaded once per run.
public struct FuzzSamples: Sendable {
    public var runbookTexts: [String]
    public var settingsText: String
    public var library: RunbookLibrary
    /// The day staleness is judged against, fixed so a run does not depend on the date.
    public var today: CalendarDate

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(configDirectory: String, today: CalendarDate = CalendarDate(year: 2026, month: 5, day: 1)!) throws -> FuzzSamples {
        let result = RunbookLoader.load(configDirectory: configDirectory, today: today)
        guard let library = result.library else {
            throw LoadError(description: "\(configDirectory) does not load: \(result.diagnostics.map(\.description).joined(separator: "; "))")
        }
        let runbooks = (configDirectory as NSString).appendingPathComponent("runbooks")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: runbooks)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        let texts = names.compactMap { try? String(contentsOfFile: (runbooks as NSString).appendingPathComponent($0), encoding: .utf8) }
        let settings = (try? String(contentsOfFile: (configDirectory as NSString).appendingPathComponent("bot.yaml"), encoding: .utf8)) ?? ""
        return FuzzSamples(runbookTexts: texts, settingsText: settings, library: library, today: today)
    }

    /// Every word a query could mean something by: entry ids and titles, system names,
    /// command words. Queries are built from these so that lookups find things.
    public var queryWords: [String] {
        var words = ["share", "list", "ls", "help", "?", "overview", "deps", "dependencies", "escalation", "contacts"]
        for runbook in library.runbooks {
            words += [runbook.system.id, runbook.system.title] + runbook.system.aliases
            words += runbook.failureModes.flatMap { [$0.id, $0.title] + $0.aliases }
            words += runbook.procedures.flatMap { [$0.id, $0.title] }
            words += runbook.dependencies.flatMap { [$0.id, $0.name] }
            words += runbook.contacts.map(\.id)
        }
        return words
    }
}
