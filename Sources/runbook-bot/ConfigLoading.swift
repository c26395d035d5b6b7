import ArgumentParser
import BotServer
import Foundation
import Incidents
import RunbookModel

struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "The bot-config directory (runbooks in <dir>/runbooks/*.yaml).")
    var directory = BotConfiguration.Defaults.configDirectory
}

enum ConfigLoading {
    /// Today, for staleness warnings: the one clock's date.
    static var today: CalendarDate { CalendarDate(unixSeconds: SystemClock().now().milliseconds / 1000) }

    /// Loads the runbooks, printing every diagnostic to standard error.
    /// Exits with status 1 when there are errors, after printing all of them.
    static func loadOrExit(_ options: ConfigOptions, quietWarnings: Bool = false) throws -> RunbookLibrary {
        try loadWithSettingsOrExit(options, quietWarnings: quietWarnings).library
    }

    static func loadWithSettingsOrExit(_ options: ConfigOptions, quietWarnings: Bool = false) throws -> (library: RunbookLibrary, settings: BotSettings) {
        let result = RunbookLoader.load(configDirectory: options.directory, today: today)
        let shown = quietWarnings ? result.diagnostics.errors : result.diagnostics
        for diagnostic in shown { printError(diagnostic.description) }
        guard let library = result.library else {
            printError("\(result.diagnostics.errors.count) error(s) in \(options.directory): fix them and try again.")
            throw ExitCode(1)
        }
        return (library, result.settings)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
