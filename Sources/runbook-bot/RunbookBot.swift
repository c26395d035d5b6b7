import ArgumentParser

@main
struct RunbookBot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook-bot",
        abstract: "Runbooks in chat: answers /runbook lookups from the team's structured runbooks.",
        subcommands: [ServeCommand.self, SendCommand.self, LookupCommand.self, ValidateCommand.self, PostmortemCommand.self, OnCallCLICommand.self],
        defaultSubcommand: nil
    )
}
