import Foundation
import RunbookModel

/// The shipped sample configuration, loaded as the bot loads it.
enum SampleRunbook {
    static let configDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("bot-config").path
    }()

    /// A fixed "today" so staleness warnings do not depend on when the tests run.
    static let today = CalendarDate(year: 2026, month: 5, day: 1)!

    static let library: RunbookLibrary = {
        let result = RunbookLoader.load(configDirectory: configDirectory, today: today)
        guard let library = result.library else {
            fatalError("sample runbook does not load: \(result.diagnostics.map(\.description).joined(separator: "\n"))")
        }
        return library
    }()

    static var runbook: Runbook { library.runbooks[0] }
}
