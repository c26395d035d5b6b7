import Incidents
import RunbookModel
import Testing

struct IncidentCommandTests {
    @Test func parsesEachForm() {
        #expect(IncidentCommand(text: "declare sev1 invoices stuck") == .declare(severity: .sev1, text: "invoices stuck"))
        #expect(IncidentCommand(text: "declare CRITICAL double charges") == .declare(severity: .critical, text: "double charges"))
        #expect(IncidentCommand(text: "declare lambda timeout") == .declare(severity: nil, text: "lambda timeout"))
        #expect(IncidentCommand(text: "ack") == .acknowledge(id: nil))
        #expect(IncidentCommand(text: "ack inc-7") == .acknowledge(id: "INC-7"))
        #expect(IncidentCommand(text: "update INC-3 replay at 40%") == .update(id: "INC-3", text: "replay at 40%"))
        #expect(IncidentCommand(text: "update replay at 40%") == .update(id: nil, text: "replay at 40%"))
        #expect(IncidentCommand(text: "escalate 12") == .escalate(id: "INC-12"))
        #expect(IncidentCommand(text: "resolve INC-2 backlog replayed") == .resolve(id: "INC-2", note: "backlog replayed"))
        #expect(IncidentCommand(text: "resolve") == .resolve(id: nil, note: nil))
        #expect(IncidentCommand(text: "list") == .list)
        #expect(IncidentCommand(text: "show") == .show(id: nil))
        #expect(IncidentCommand(text: "") == .help(problem: nil))
    }

    @Test func incompleteCommandsExplainThemselves() {
        guard case .help(let problem?) = IncidentCommand(text: "declare sev2") else {
            Issue.record("declare without text must be refused with a reason")
            return
        }
        #expect(problem.contains("say what is happening"))
        guard case .help(let unknown?) = IncidentCommand(text: "dance") else {
            Issue.record("unknown subcommands must be named")
            return
        }
        #expect(unknown == "unknown subcommand 'dance'")
    }

    /// The list comes from the command type: a verb added to `IncidentCommand.Verb` is
    /// checked here without editing the test.
    @Test func helpListsEveryCommand() {
        let help = PlainTextRenderer.render(DeskRefusal.usage(problem: "x").card)
        for verb in IncidentCommand.Verb.allCases {
            #expect(help.contains(verb.form), "help does not mention \(verb.form)")
            for word in verb.words {
                let command = IncidentCommand(text: [.declare, .update, .publish].contains(verb) ? "\(word) something" : word)
                #expect(command.verb == verb, "'\(word)' should parse as \(verb)")
            }
        }
    }
}
