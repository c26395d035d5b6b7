import RunbookModel
import Testing

/// Each problem an author can make is reported with file, line and field path, all at once,
/// and a runbook with errors never loads.
struct ValidationTests {
    static let today = CalendarDate(year: 2026, month: 5, day: 1)!

    /// A small valid runbook; tests break one thing in it at a time.
    static let valid = """
        system:
          id: payments
          title: Payments
          aliases: [pay]
          updated: 2026-04-20
          reviewed: 2026-04-20
          owner: alice
        overview:
          purpose: Take money.
          components:
            - kind: Lambda
              name: charge
        failure_modes:
          - id: card-declines
            title: Card declines spike
            severity: high
            detection:
              alarms: ["declines > 5%"]
            causes: [Processor outage]
            customer_impact: Checkout fails
            immediate_actions:
              - Check the processor status page
            escalate_to: alice
        escalation:
          runs_while: unresolved
          levels:
            - level: 1
              name: On-call
              notify: [alice]
              after: 0m
            - level: 2
              name: Team
              notify: [team]
              after: 15m
        contacts:
          - id: alice
            name: Alice
            slack: U024BE7LH
            updated: 2026-04-20
          - id: team
            name: Payments team
            slack: "#payments"
            updated: 2026-04-20
        """

    static func load(_ text: String, file: String = "runbooks/payments.yaml") -> RunbookLoader.Result {
        RunbookLoader.load(documents: [(file: file, text: text)], today: today)
    }

    static func errors(_ text: String) -> [Diagnostic] {
        load(text).diagnostics.errors
    }

    @Test func validRunbookLoadsWithoutProblems() {
        let result = Self.load(Self.valid)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.library?.runbooks.first?.system.id == "payments")
    }

    @Test func brokenYAMLIsReportedWithItsLine() {
        let broken = Self.valid.replacingOccurrences(of: "  purpose: Take money.", with: "  purpose: [Take money.")
        let errors = Self.errors(broken)
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("YAML syntax error") == true)
        #expect(errors.first?.line != nil)
        #expect(errors.first?.file == "runbooks/payments.yaml")
        #expect(Self.load(broken).library == nil)
    }

    @Test func unknownKeyIsReportedWithASuggestion() {
        let text = Self.valid.replacingOccurrences(of: "    causes: [Processor outage]", with: "    cuases: [Processor outage]")
        let errors = Self.errors(text)
        let unknown = errors.first { $0.path == "failure_modes[0].cuases" }
        #expect(unknown?.message == "unknown key 'cuases' (did you mean 'causes'?)")
        #expect(unknown?.line == 19)
        // The real key is now missing too: both are reported in one pass.
        #expect(errors.contains { $0.path == "failure_modes[0].causes" && $0.message.contains("missing required field") })
    }

    @Test func missingRequiredFieldNamesThePath() {
        let text = Self.valid.replacingOccurrences(of: "    customer_impact: Checkout fails\n", with: "")
        let errors = Self.errors(text)
        #expect(errors.map(\.path) == ["failure_modes[0].customer_impact"])
        #expect(errors.first?.description.hasPrefix("runbooks/payments.yaml:14:") == true)
    }

    @Test func duplicateIDsAreErrors() {
        let text = Self.valid + """

              - id: alice
                name: Alice again
                email: alice@example.com
                updated: 2026-04-20
            """
        let errors = Self.errors(text)
        #expect(errors.count == 1)
        #expect(errors.first?.path == "contacts[2].id")
        #expect(errors.first?.message == "duplicate id 'alice' (also used by contacts[0])")
        #expect(errors.first?.line == 44)
    }

    @Test func unknownContactReferenceIsAnError() {
        let text = Self.valid.replacingOccurrences(of: "    escalate_to: alice", with: "    escalate_to: alise")
        let errors = Self.errors(text)
        #expect(errors.first?.path == "failure_modes[0].escalate_to")
        #expect(errors.first?.message == "refers to unknown contact 'alise' (did you mean 'alice'?)")
        #expect(errors.first?.line == 23)
    }

    @Test func unknownFailureModeReferenceIsAnError() {
        let text = Self.valid.replacingOccurrences(of: "escalation:\n", with: """
            procedures:
              - id: failover
                title: Fail over to the backup processor
                failure_modes: [card-decline, card-declines]
                steps:
                  - title: Flip the flag
            escalation:

            """)
        let errors = Self.errors(text)
        #expect(errors.map(\.path) == ["procedures[0].failure_modes[0]"])
        #expect(errors.first?.message.contains("unknown failure mode 'card-decline'") == true)
    }

    @Test func badDurationIsAnError() {
        let text = Self.valid.replacingOccurrences(of: "      after: 15m", with: "      after: 15 minutes")
        let errors = Self.errors(text)
        #expect(errors.map(\.path) == ["escalation.levels[1].after"])
        #expect(errors.first?.message == "'15 minutes' is not a duration; write it like 90s, 15m or 1h30m")
    }

    @Test func escalationLevelsOutOfOrderAreErrors() {
        let swappedTimes = Self.valid
            .replacingOccurrences(of: "      after: 0m", with: "      after: 20m")
        let errors = Self.errors(swappedTimes)
        #expect(errors.map(\.path) == ["escalation.levels[1].after"])
        #expect(errors.first?.message.contains("not later than level 1 (20m)") == true)

        let misnumbered = Self.valid.replacingOccurrences(of: "    - level: 2", with: "    - level: 3")
        #expect(Self.errors(misnumbered).map(\.path) == ["escalation.levels[1].level"])
    }

    @Test func badValuesAreNamed() {
        let text = Self.valid
            .replacingOccurrences(of: "    severity: high", with: "    severity: urgent")
            .replacingOccurrences(of: "  updated: 2026-04-20\n  reviewed", with: "  updated: 20/04/2026\n  reviewed")
            .replacingOccurrences(of: "    slack: U024BE7LH", with: "    slack: alice")
        let messages = Set(Self.errors(text).map { "\($0.path): \($0.message)" })
        #expect(messages.contains("failure_modes[0].severity: 'urgent' is not one of critical, high, medium, low"))
        #expect(messages.contains("system.updated: '20/04/2026' is not a date; write it as YYYY-MM-DD"))
        #expect(messages.contains { $0.hasPrefix("contacts[0].slack: 'alice' is not a Slack address") })
    }

    @Test func everyProblemIsReportedInOnePass() {
        let text = Self.valid
            .replacingOccurrences(of: "    severity: high", with: "    severity: urgent\n    colour: red")
            .replacingOccurrences(of: "      notify: [alice]", with: "      notify: [bob]")
            .replacingOccurrences(of: "      after: 15m", with: "      after: soon")
        let errors = Self.errors(text)
        #expect(Set(errors.map(\.path)) == [
            "failure_modes[0].severity", "failure_modes[0].colour", "escalation.levels[1].after",
            "escalation.levels[0].notify[0]",
        ])
    }

    @Test func referencesToElementsWithErrorsAreNotReportedAsUnknown() {
        // The contact has a bad field, but its id is declared: only the real problem is reported.
        let text = Self.valid.replacingOccurrences(of: "    slack: U024BE7LH", with: "    slack: alice")
        #expect(Self.errors(text).map(\.path) == ["contacts[0].slack"])
    }

    @Test func diagnosticsReadLikeCompilerOutput() {
        let text = Self.valid.replacingOccurrences(of: "    severity: high", with: "    severity: urgent")
        let description = Self.errors(text).first?.description
        #expect(description == "runbooks/payments.yaml:16:15: error: failure_modes[0].severity: 'urgent' is not one of critical, high, medium, low")
    }

    @Test func staleReviewAndContactsAreWarningsNotErrors() {
        let later = CalendarDate(year: 2026, month: 9, day: 1)!
        let result = RunbookLoader.load(documents: [(file: "p.yaml", text: Self.valid)], today: later)
        #expect(result.library != nil)
        let warnings = result.diagnostics.warnings
        #expect(warnings.contains { $0.path == "system.reviewed" && $0.message.contains("134 days ago; test them quarterly") })
        #expect(warnings.filter { $0.message.contains("check contacts monthly") }.map(\.path) == [
            "contacts[0].updated", "contacts[1].updated",
        ])
        // Within the windows: quiet.
        let fresh = RunbookLoader.load(documents: [(file: "p.yaml", text: Self.valid)], today: CalendarDate(year: 2026, month: 5, day: 21)!)
        #expect(fresh.diagnostics.isEmpty)
    }

    @Test func duplicateSystemsAcrossFilesAreErrors() {
        let result = RunbookLoader.load(
            documents: [(file: "a.yaml", text: Self.valid), (file: "b.yaml", text: Self.valid)], today: Self.today
        )
        #expect(result.library == nil)
        #expect(result.diagnostics.errors.map(\.description) == ["b.yaml: error: system.id: system id 'payments' is already used by a.yaml"])
    }

    @Test func emptyAndNonUTF8FilesAreErrors() {
        let result = RunbookLoader.load(documents: [(file: "empty.yaml", text: ""), (file: "bin.yaml", text: nil)], today: Self.today)
        #expect(result.diagnostics.errors.map(\.description) == [
            "empty.yaml: error: the file is empty", "bin.yaml: error: not readable as UTF-8 text",
        ])
    }

    @Test func missingDirectoryIsAnError() {
        let result = RunbookLoader.load(configDirectory: "/nonexistent/bot-config", today: Self.today)
        #expect(result.library == nil)
        #expect(result.diagnostics.first?.message.contains("runbook directory not found") == true)
    }
}
