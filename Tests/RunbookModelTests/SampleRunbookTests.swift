import Foundation
import RunbookModel
import Testing

/// The shipped sample carries the article's invoice-pipeline runbook in full.
struct SampleRunbookTests {
    let runbook = SampleRunbook.runbook

    @Test func loadsWithoutErrors() {
        let result = RunbookLoader.load(configDirectory: SampleRunbook.configDirectory, today: SampleRunbook.today)
        #expect(result.diagnostics.errors.isEmpty, "\(result.diagnostics.errors)")
    }

    /// A postmortem's follow-up names the line of the step to edit: each step knows where it
    /// starts in its file, as loaded.
    @Test func everyProcedureStepKnowsItsLineInTheFile() throws {
        let lines = try String(contentsOfFile: runbook.sourceFile, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let steps = runbook.procedures.flatMap(\.steps)
        #expect(!steps.isEmpty)
        for step in steps {
            let line = try #require(step.sourceLine, "\(step.title) has no line")
            #expect(lines[line - 1].contains("title:"), "line \(line) is not where “\(step.title)” starts: \(lines[line - 1])")
        }
        #expect(Set(steps.compactMap(\.sourceLine)).count == steps.count, "each step on a line of its own")
    }

    @Test func overviewHasEveryComponentAndPerson() {
        #expect(runbook.overview.purpose == "Parse uploaded invoices, extract line items, store in DynamoDB.")
        let names = Set(runbook.overview.components.map(\.name))
        for name in ["retail-invoices-prod", "invoice-parser", "invoices_staging", "invoices_final", "/aws/lambda/invoice-parser"] {
            #expect(names.contains(name))
        }
        #expect(runbook.contact(runbook.system.owner)?.email == "charles@threemoonsnetwork.net")
        #expect(runbook.system.backup.flatMap(runbook.contact)?.slack == .channelName("devops"))
        #expect(runbook.overview.onCall?.note == "Check PagerDuty rotation")
    }

    @Test func dependenciesCarryTheArticlesFacts() {
        #expect(runbook.dependencies.map(\.name) == ["Anthropic Claude API", "AWS Lambda", "AWS DynamoDB", "AWS S3"])
        #expect(runbook.dependency("claude-api")?.fallback == "Queue to SQS, retry in 1 hour")
        #expect(runbook.dependency("aws-lambda")?.mitigation == "Reserved concurrency set to 100")
        #expect(runbook.dependency("dynamodb")?.mitigation == "On-demand billing enabled (auto-scales)")
        #expect(runbook.dependency("s3")?.prevention == "Bucket policy tested quarterly")
    }

    @Test func failureModesCarryDetectionCausesAndActions() throws {
        let timeout = try #require(runbook.failureMode("lambda-timeout"))
        #expect(timeout.severity == .high)
        #expect(timeout.detection.alarms == ["invoice-parser timeout count > 0"])
        #expect(timeout.detection.notifications == ["Slack notification in #alerts"])
        #expect(timeout.detection.logs == ["Task timed out after 900.00 seconds"])
        #expect(timeout.causes.count == 3)
        #expect(timeout.immediateActions.count == 5)
        #expect(timeout.escalateTo == "charles")

        let writes = try #require(runbook.failureMode("dynamodb-write-errors"))
        #expect(writes.severity == .medium)
        #expect(writes.detection.logs == ["ConditionalCheckFailedException"])
        #expect(writes.detection.alarms == ["invoice-parser errors > 5/min"])
        #expect(writes.customerImpact == "Partial data loss, reconciliation issues")
        #expect(writes.immediateActions.flatMap(\.steps).contains("Check if file was already processed (look for content_id)"))
    }

    @Test func procedureKeepsEveryStepAndCommand() throws {
        let procedure = try #require(runbook.procedure("unblock-after-outage"))
        #expect(procedure.assumptions == ["Claude API is back up", "no data is corrupted"])
        #expect(procedure.steps.map(\.title) == [
            "Check current queue depth", "Trigger replay Lambda", "Monitor CloudWatch metrics",
            "Verify data integrity", "Update status page",
        ])
        #expect(procedure.steps[0].command?.contains("--attribute-names ApproximateNumberOfMessages") == true)
        #expect(procedure.steps[0].decisions == ["If > 1000: continue to step 2.", "If < 100: manual retries might be faster."])
        #expect(procedure.steps[1].command?.contains(#"--payload '{"date": "2024-04-01"}' response.json"#) == true)
        #expect(procedure.steps[2].watchFor == RunbookDuration(seconds: 300))
        #expect(procedure.steps[2].expect == "errors drop to < 1%, success rate > 99%")
        #expect(procedure.steps[3].escalation?.contact == "charles")
    }

    @Test func escalationMatchesTheArticle() {
        let escalation = runbook.escalation
        #expect(escalation.runsWhile == .unresolved)
        #expect(escalation.levels.map(\.after.seconds) == [0, 900, 1800])
        #expect(escalation.levels.map(\.name) == ["You, on-call engineer", "Charles", "Full team"])
        #expect(escalation.levels[0].expectedResolution == RunbookDuration(seconds: 900))
        #expect(escalation.levels[2].expectedResponse == RunbookDuration(seconds: 300))
        #expect(escalation.critical?.actions == [
            "Page PagerDuty immediately", "Notify customers via status page", "Stand up incident bridge",
        ])
    }

    @Test func contactsIncludeExternalSupport() {
        #expect(runbook.contacts.map(\.id) == [
            "charles", "devops", "on-call", "alerts-channel", "incidents-channel", "anthropic-support", "aws-support",
        ])
        #expect(runbook.contact("anthropic-support")?.email == "support@anthropic.com")
        #expect(runbook.contact("on-call")?.pagerDuty?.url == "https://pagerduty.com/incidents")
    }
}

/// The annotated example in the schema documentation is itself a valid runbook, so the
/// documentation cannot drift from what the loader accepts.
struct SchemaDocumentationTests {
    @Test func annotatedExampleLoads() throws {
        let path = SampleRunbook.configDirectory.replacingOccurrences(of: "/bot-config", with: "/docs/runbook-schema.md")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let start = try #require(text.range(of: "```yaml\n"))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        let example = String(text[start.upperBound..<end.lowerBound])
        let result = RunbookLoader.load(documents: [(file: "docs/runbook-schema.md", text: example)], today: SampleRunbook.today)
        #expect(result.diagnostics.errors.isEmpty, "\(result.diagnostics.errors)")
        #expect(result.library?.runbooks.first?.failureModes.isEmpty == false)
    }
}
