import ArgumentParser
import RunbookModel

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the runbooks and on-call rotations: every error and warning, with file, line and field."
    )

    @OptionGroup var config: ConfigOptions

    func run() throws {
        let result = RunbookLoader.load(configDirectory: config.directory, today: ConfigLoading.today)
        for diagnostic in result.diagnostics { print(diagnostic.description) }
        let errors = result.diagnostics.errors.count
        let warnings = result.diagnostics.warnings.count
        if let library = result.library {
            for runbook in library.runbooks {
                print("\(runbook.sourceFile): \(runbook.system.id): \(runbook.failureModes.count) failure modes, \(runbook.procedures.count) procedures, \(runbook.dependencies.count) dependencies, \(runbook.escalation.levels.count) escalation levels, \(runbook.contacts.count) contacts")
            }
            for rotation in library.rotations {
                print("rotation \(rotation.id): \(rotation.summary)")
            }
        }
        print("\(errors) error(s), \(warnings) warning(s)")
        if errors > 0 { throw ExitCode(1) }
    }
}
