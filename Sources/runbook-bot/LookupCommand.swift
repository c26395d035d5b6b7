import ArgumentParser
import RunbookModel

struct LookupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Answer a /runbook query in the terminal, without a server. Exits 1 when nothing matches."
    )

    @OptionGroup var config: ConfigOptions

    @Argument(parsing: .captureForPassthrough, help: "What to look up, as you would type after /runbook.")
    var query: [String] = []

    func run() throws {
        let library = try ConfigLoading.loadOrExit(config, quietWarnings: true)
        let answer = RunbookResponder(library: library).answer(RunbookCommand(text: query.joined(separator: " ")))
        print(PlainTextRenderer.render(answer.card()))
        if !answer.found { throw ExitCode(1) }
    }
}
