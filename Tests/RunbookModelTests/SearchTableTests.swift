import RunbookModel
import Testing

/// What people type or paste at 2am, and the entry they must get first.
struct SearchTableTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let query: String
        let kind: EntryKind
        let id: String
        var testDescription: String { "\"\(query)\" → \(kind.rawValue) \(id)" }
    }

    static let cases: [Case] = [
        // Single words
        Case(query: "timeout", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "TIMEOUT", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "timeouts", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "stuck", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "dynamo", kind: .failureMode, id: "dynamodb-write-errors"),
        Case(query: "replay", kind: .procedure, id: "unblock-after-outage"),
        Case(query: "backlog", kind: .procedure, id: "unblock-after-outage"),
        Case(query: "escalation", kind: .escalation, id: "invoice-pipeline"),
        Case(query: "charles", kind: .contact, id: "charles"),
        Case(query: "s3", kind: .dependency, id: "s3"),
        Case(query: "claude", kind: .dependency, id: "claude-api"),
        Case(query: "concurrency", kind: .dependency, id: "aws-lambda"),
        Case(query: "pagerduty", kind: .contact, id: "on-call"),
        Case(query: "idempotency", kind: .failureMode, id: "dynamodb-write-errors"),
        // Several words
        Case(query: "lambda timeout", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "dynamodb write errors", kind: .failureMode, id: "dynamodb-write-errors"),
        Case(query: "duplicate invoice ids", kind: .failureMode, id: "dynamodb-write-errors"),
        Case(query: "schema mismatch after deploy", kind: .failureMode, id: "dynamodb-write-errors"),
        Case(query: "unblock invoice processing after outage", kind: .procedure, id: "unblock-after-outage"),
        Case(query: "check queue depth", kind: .procedure, id: "unblock-after-outage"),
        Case(query: "rate limit exceeded", kind: .dependency, id: "claude-api"),
        Case(query: "access denied reading pdf", kind: .dependency, id: "s3"),
        Case(query: "concurrent execution limit hit", kind: .dependency, id: "aws-lambda"),
        Case(query: "throttled writes", kind: .dependency, id: "dynamodb"),
        Case(query: "who to call", kind: .escalation, id: "invoice-pipeline"),
        Case(query: "anthropic support", kind: .contact, id: "anthropic-support"),
        Case(query: "aws support plan", kind: .contact, id: "aws-support"),
        Case(query: "system overview", kind: .overview, id: "invoice-pipeline"),
        // Pasted log lines, error strings and alarm names
        Case(query: "Task timed out after 900.00 seconds", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "2026-11-29T02:03:11Z Task timed out after 900.00 seconds", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "ConditionalCheckFailedException", kind: .failureMode, id: "dynamodb-write-errors"),
        Case(query: "An error occurred (ConditionalCheckFailedException) when calling the PutItem operation: The conditional request failed",
             kind: .failureMode, id: "dynamodb-write-errors"),
        Case(query: "invoice-parser timeout count > 0", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "ALARM: \"invoice-parser errors > 5/min\"", kind: .failureMode, id: "dynamodb-write-errors"),
        Case(query: "ProvisionedThroughputExceededException", kind: .dependency, id: "dynamodb"),
        Case(query: "AccessDenied", kind: .dependency, id: "s3"),
        // Typos of one or two letters
        Case(query: "timout", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "tiemout", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "dynamdb errors", kind: .failureMode, id: "dynamodb-write-errors"),
        Case(query: "dynmodb write errors", kind: .failureMode, id: "dynamodb-write-errors"),
        Case(query: "escalaton", kind: .escalation, id: "invoice-pipeline"),
        Case(query: "idempotancy", kind: .failureMode, id: "dynamodb-write-errors"),
        Case(query: "replya backlog", kind: .procedure, id: "unblock-after-outage"),
        // Punctuation and case
        Case(query: "  lambda---TIMEOUT!!! ", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "Dynamo_DB write-errors?", kind: .failureMode, id: "dynamodb-write-errors"),
        // Scoped to the system
        Case(query: "invoice timeout", kind: .failureMode, id: "lambda-timeout"),
        Case(query: "invoice-pipeline replay", kind: .procedure, id: "unblock-after-outage"),
        Case(query: "invoices", kind: .overview, id: "invoice-pipeline"),
    ]

    @Test(arguments: cases)
    func topEntry(_ testCase: Case) {
        let result = SampleRunbook.library.index.search(testCase.query)
        let best = result.best
        #expect(best?.entry.kind == testCase.kind && best?.entry.id == testCase.id,
                "got \(result.matches.map { "\($0.entry) (\($0.score))" })")
    }

    @Test func tableIsLargeEnough() {
        #expect(Self.cases.count >= 40)
    }

    @Test func alternativesAreRankedAndDistinct() {
        let result = SampleRunbook.library.index.search("dynamodb throttled")
        #expect(result.matches.count >= 2)
        #expect(result.matches.count <= 4)
        #expect(Set(result.matches.map(\.entry)).count == result.matches.count)
        let scores = result.matches.map(\.score)
        #expect(scores == scores.sorted(by: >))
    }

    @Test func nothingMatchesGivesSuggestionsNotAGuess() {
        let result = SampleRunbook.library.index.search("kubernetes crashloopbackoff")
        #expect(result.matches.isEmpty)
        let nearMiss = SampleRunbook.library.index.search("lambdda tymeoutt zzz")
        #expect(nearMiss.best?.entry.id == "lambda-timeout" || !nearMiss.suggestions.isEmpty)
    }

    @Test func suggestionsComeFromTitles() {
        let result = SampleRunbook.library.index.search("qqq lamda timeoutt qqq")
        if result.matches.isEmpty {
            #expect(result.suggestions.contains { $0.entry.id == "lambda-timeout" })
        } else {
            #expect(result.best?.entry.id == "lambda-timeout")
        }
    }
}
