import RunbookModel
import Testing

struct RunbookCommandTests {
    @Test func parsesEachForm() {
        #expect(RunbookCommand(text: "") == .help)
        #expect(RunbookCommand(text: "  help ") == .help)
        #expect(RunbookCommand(text: "list") == .list)
        #expect(RunbookCommand(text: "timeout") == .lookup(query: "timeout", share: false))
        #expect(RunbookCommand(text: "share lambda timeout") == .lookup(query: "lambda timeout", share: true))
        #expect(RunbookCommand(text: "share") == .help)
        #expect(RunbookCommand(text: "overview") == .section(.overview, system: nil))
        #expect(RunbookCommand(text: "deps invoice-pipeline") == .section(.deps, system: "invoice-pipeline"))
        #expect(RunbookCommand(text: "ESCALATION") == .section(.escalation, system: nil))
        #expect(RunbookCommand(text: "contacts") == .section(.contacts, system: nil))
    }

    /// Slack passes the text as typed: spaces, tabs and newlines around it, and Unicode
    /// spaces (a no-break space pasted from a document, an ideographic space) are all trimmed.
    @Test func trimsWhateverSpaceSurroundsTheText() {
        #expect(RunbookCommand(text: "\t timeout \n") == .lookup(query: "timeout", share: false))
        #expect(RunbookCommand(text: "share   lambda timeout  ") == .lookup(query: "lambda timeout", share: true))
        #expect(RunbookCommand(text: "share \u{00A0}timeout\u{3000}") == .lookup(query: "timeout", share: true))
        #expect(RunbookCommand(text: "deps \u{2003} invoice-pipeline ") == .section(.deps, system: "invoice-pipeline"))
        #expect(RunbookCommand(text: "share \u{00A0} ") == .help)
        #expect(RunbookCommand(text: "share  délai ") == .lookup(query: "délai", share: true))
    }

    /// The list comes from the command type: a form added to `RunbookCommand.Form` is checked
    /// here without editing the test.
    @Test func helpListsEveryCommand() {
        let help = PlainTextRenderer.render(RunbookResponder.helpCard())
        for form in RunbookCommand.Form.allCases {
            #expect(help.contains(form.usage), "help does not mention \(form.usage)")
            // The form's own example parses as that form.
            let example = form.usage.replacingOccurrences(of: "/runbook ", with: "")
                .replacingOccurrences(of: " [system]", with: "").replacingOccurrences(of: "<query>", with: "timeout")
                .replacingOccurrences(of: "<what is happening>", with: "lambda timeout")
            #expect(RunbookCommand(text: example).form == form, "'\(example)' should parse as \(form)")
        }
    }
}

struct ResponderTests {
    let responder = RunbookResponder(library: SampleRunbook.library)

    @Test func lookupAnswersWithTheCardAndAlternatives() {
        let answer = responder.answer(.lookup(query: "dynamodb throttled", share: false))
        #expect(answer.found)
        #expect(answer.visibility == .onlyRequester)
        #expect(!answer.alternatives.isEmpty)
        let text = PlainTextRenderer.render(answer.card())
        #expect(text.contains("Not it? Also matching"))
    }

    @Test func shareMakesTheAnswerVisibleToTheChannel() {
        #expect(responder.answer(.lookup(query: "timeout", share: true)).visibility == .channel)
        // Nothing found is never posted to the channel.
        #expect(responder.answer(.lookup(query: "kubernetes", share: true)).visibility == .onlyRequester)
    }

    @Test func entryIDsOpenEntriesDirectly() {
        #expect(responder.answer(.lookup(query: "unblock-after-outage", share: false)).entry?.id == "unblock-after-outage")
        #expect(responder.answer(.lookup(query: "invoice-pipeline/claude-api", share: false)).entry?.kind == .dependency)
        // Case and surrounding whitespace do not matter: the id opens its entry alone, not as
        // the best of several search matches.
        let named = responder.answer(.lookup(query: "\tInvoice-Pipeline/Lambda-Timeout\n", share: false))
        #expect(named.entry?.id == "lambda-timeout")
        #expect(!PlainTextRenderer.render(named.card()).contains("Not it? Also matching"))
    }

    /// Two systems with the same entry id: the bare id opens the entry of the system first in
    /// id order, the scoped one the named system's.
    @Test func aSharedIDOpensTheFirstSystemsEntryUnlessScoped() throws {
        var second = try #require(SampleRunbook.library.runbooks.first)
        second.system.id = "payments"
        let twoSystems = RunbookResponder(library: RunbookLibrary(runbooks: SampleRunbook.library.runbooks + [second]))
        #expect(twoSystems.answer(.lookup(query: "lambda-timeout", share: false)).entry?.system == "invoice-pipeline")
        #expect(twoSystems.answer(.lookup(query: "payments/lambda-timeout", share: false)).entry?.system == "payments")
        #expect(twoSystems.answer(.lookup(query: "invoice-pipeline/lambda-timeout", share: false)).entry?.system == "invoice-pipeline")
    }

    @Test func failureModeCardShowsWhatOnCallNeeds() {
        let card = responder.answer(.lookup(query: "timeout", share: false)).card()
        #expect(card.title == "Lambda timeout (function runs >15 min)")
        #expect(card.severity == .high)
        let text = PlainTextRenderer.render(card)
        for expected in ["How it's detected", "Task timed out after 900.00 seconds", "Why it happens",
                         "Immediate actions", "$ aws logs tail", "Escalate to: Charles"] {
            #expect(text.contains(expected), "card lacks \(expected)")
        }
    }

    @Test func noMatchSaysSoWithUsage() {
        let answer = responder.answer(.lookup(query: "kubernetes crashloop", share: false))
        #expect(!answer.found)
        let text = PlainTextRenderer.render(answer.card())
        #expect(text.hasPrefix("Nothing in the runbooks matches “kubernetes crashloop”"))
        #expect(text.contains(RunbookCommand.usageLine))
    }

    @Test func sectionsAnswerForTheOnlySystem() {
        #expect(responder.answer(.section(.escalation, system: nil)).card().title == "Escalation: Invoice processing pipeline")
        #expect(responder.answer(.section(.overview, system: "invoices")).card().title == "Invoice processing pipeline")
        let deps = PlainTextRenderer.render(responder.answer(.section(.deps, system: nil)).card())
        #expect(deps.contains("AWS S3"))
        let contacts = PlainTextRenderer.render(responder.answer(.section(.contacts, system: nil)).card())
        #expect(contacts.contains("support@anthropic.com"))
        // Not a system name: treated as a lookup.
        #expect(responder.answer(.section(.escalation, system: "timeout")).found)
    }

    @Test func listNamesEverySystemAndEntry() {
        let text = PlainTextRenderer.render(responder.answer(.list).card())
        for expected in ["Invoice processing pipeline (invoice-pipeline)", "/runbook lambda-timeout",
                         "/runbook dynamodb-write-errors", "/runbook unblock-after-outage", "/runbook escalation invoice-pipeline"] {
            #expect(text.contains(expected))
        }
    }
}
