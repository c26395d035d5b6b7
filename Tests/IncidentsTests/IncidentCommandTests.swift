import Incidents
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

    @Test func helpListsEveryCommand() {
        let forms = IncidentCommand.usage.map(\.form).joined(separator: "\n")
        for verb in ["declare", "ack", "update", "escalate", "resolve", "list", "show", "help"] {
            #expect(forms.contains("/incident \(verb)"), "help does not mention /incident \(verb)")
        }
    }
}
