import RunbookModel
import Testing

/// `oncall.yaml` is checked like a runbook: every problem at once, with file, line, column
/// and field path, did-you-mean hints, and warnings that do not stop loading.
struct OnCallValidationTests {
    /// The validation tests' runbook, with a second person and a contact that stands for the rotation.
    static let runbook = ValidationTests.valid + """

          - id: bob
            name: Bob
            email: bob@example.com
            updated: 2026-04-20
          - id: pager
            name: Payments on-call
            rotation: payments-oncall
            updated: 2026-04-20
        """

    static let valid = """
        rotations:
          - id: payments-oncall
            name: Payments on-call
            timezone: Europe/London
            shift: 1w
            weekday: monday
            handoff: "09:00"
            start: 2026-04-20
            participants: [alice, bob]
            overrides:
              - contact: bob
                from: 2026-04-22 09:00
                to: 2026-04-23 09:00
            channel: "#payments"
            user_group: S0PAYONCALL
        """

    static func load(_ onCall: String?, runbook: String = runbook) -> RunbookLoader.Result {
        RunbookLoader.load(
            documents: [(file: "runbooks/payments.yaml", text: runbook)],
            onCall: onCall.map { (file: "oncall.yaml", text: $0) },
            today: ValidationTests.today
        )
    }

    static func problems(_ onCall: String, runbook: String = runbook) -> [String] {
        load(onCall, runbook: runbook).diagnostics.map(\.description)
    }

    static func replacing(_ old: String, with new: String, in text: String = valid) -> String {
        precondition(text.contains(old), "the fixture has no \(old)")
        return text.replacingOccurrences(of: old, with: new)
    }

    @Test func validRotationLoads() throws {
        let result = Self.load(Self.valid)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let rotation = try #require(result.library?.rotation("payments-oncall"))
        #expect(rotation.name == "Payments on-call")
        #expect(rotation.timeZone.identifier == "Europe/London")
        #expect(rotation.channel == .channelName("payments"))
        #expect(rotation.userGroup == .userGroup(id: "S0PAYONCALL"))
        let plan = try #require(rotation.plan)
        #expect(plan.shiftLength == .weeks(1))
        #expect(plan.handoff.description == "Monday 09:00")
        #expect(plan.participants == ["alice", "bob"])
        #expect(plan.overrides == [RotationOverride(
            contact: "bob", from: OnCallFixtures.local("2026-04-22 09:00"), to: OnCallFixtures.local("2026-04-23 09:00")
        )])
        #expect(result.library?.contact(anywhere: "pager")?.rotation == "payments-oncall")
    }

    @Test func unknownKeyHasASuggestionAndAPosition() {
        let problems = Self.problems(Self.replacing("    timezone:", with: "    timezne:"))
        #expect(problems.contains("oncall.yaml:4:5: error: rotations[0].timezne: unknown key 'timezne' (did you mean 'timezone'?)"))
        #expect(problems.contains { $0.contains("rotations[0].timezone: missing required field 'timezone'") })
        #expect(Self.load(Self.replacing("    timezone:", with: "    timezne:")).library == nil)
    }

    @Test func badTimeZoneIsNamedWithASuggestion() {
        let problems = Self.problems(Self.replacing("Europe/London", with: "Europe/Londn"))
        #expect(problems == ["oncall.yaml:4:15: error: rotations[0].timezone: 'Europe/Londn' is not a time zone (did you mean 'Europe/London'?)"])
        let far = Self.problems(Self.replacing("Europe/London", with: "Middle Earth"))
        #expect(far.first?.hasSuffix("use an IANA identifier like Europe/London or America/New_York") == true)
    }

    @Test func badTimesAndLengthsAreErrors() {
        #expect(Self.problems(Self.replacing("\"09:00\"", with: "\"25:00\"")) == [
            "oncall.yaml:7:14: error: rotations[0].handoff: '25:00' is not a time of day; write it as HH:MM on the 24-hour clock, 00:00 to 23:59",
        ])
        #expect(Self.problems(Self.replacing("shift: 1w", with: "shift: 1 week")).contains {
            $0.hasSuffix("rotations[0].shift: '1 week' is not a shift length; write one number and unit: 1w, 3d or 8h")
        })
        let fiveHours = Self.replacing("shift: 1w\n    weekday: monday", with: "shift: 5h")
        #expect(Self.problems(fiveHours).contains { $0.contains("rotations[0].shift: hourly shifts must divide the day") })
        #expect(Self.problems(Self.replacing("shift: 1w\n    weekday: monday", with: "shift: 8h")).isEmpty)
        #expect(Self.problems(Self.replacing("to: 2026-04-23 09:00", with: "to: 23/04/2026")).contains {
            $0.contains("rotations[0].overrides[0].to: '23/04/2026' is not a local date and time; write it as YYYY-MM-DD HH:MM")
        })
    }

    @Test func weekdayIsOnlyForWeeklyShifts() {
        #expect(Self.problems(Self.replacing("shift: 1w", with: "shift: 1d")) == [
            "oncall.yaml:6:14: error: rotations[0].weekday: weekday is only for weekly shifts (shift: 1w, 2w, …); 1d shifts hand off at the same time every day",
        ])
        #expect(Self.problems(Self.replacing("    weekday: monday\n", with: "")) == [
            "oncall.yaml:2:5: error: rotations[0].weekday: missing required field 'weekday': weekly shifts hand off on one day of the week",
        ])
        #expect(Self.problems(Self.replacing("start: 2026-04-20", with: "start: 2026-04-21")) == [
            "oncall.yaml:8:12: error: rotations[0].start: 2026-04-21 is a Tuesday, but the handoffs are on Mondays: start on 2026-04-20 or 2026-04-27",
        ])
    }

    @Test func participantsMustBeKnownContacts() {
        #expect(Self.problems(Self.replacing("[alice, bob]", with: "[alise, bob]")) == [
            "oncall.yaml:9:20: error: rotations[0].participants[0]: refers to unknown contact 'alise' (did you mean 'alice'?)",
        ])
        // A contact that stands for a rotation is not a person to put on call.
        #expect(Self.problems(Self.replacing("[alice, bob]", with: "[pager, bob]")) == [
            "oncall.yaml:9:20: error: rotations[0].participants[0]: contact 'pager' stands for a rotation itself; participants must be people (contacts with fixed details)",
        ])
        #expect(Self.problems(Self.replacing("participants: [alice, bob]", with: "participants: []")).contains {
            $0.hasSuffix("rotations[0].participants: must list at least one item")
        })
    }

    @Test func overridesMustEndAfterTheyStartAndWarnForStrangers() {
        #expect(Self.problems(Self.replacing("to: 2026-04-23 09:00", with: "to: 2026-04-22 09:00")) == [
            "oncall.yaml:13:13: error: rotations[0].overrides[0].to: the override must end after it starts (from 2026-04-22 09:00, to 2026-04-22 09:00)",
        ])
        let stranger = Self.load(Self.replacing("- contact: bob", with: "- contact: team"))
        #expect(stranger.library != nil)
        #expect(stranger.diagnostics.map(\.description) == [
            "oncall.yaml:11:18: warning: rotations[0].overrides[0].contact: 'team' is not one of this rotation's participants; the override still puts them on call",
        ])
        #expect(Self.problems(Self.replacing("- contact: bob", with: "- contact: bobb")).first?.contains("unknown contact 'bobb' (did you mean 'bob'?)") == true)
    }

    @Test func overrideWhollyInsideTheSpringGapIsEmpty() {
        // 01:10 to 01:50 on 29 March 2026 does not exist in London.
        let text = Self.replacing("from: 2026-04-22 09:00\n        to: 2026-04-23 09:00", with: "from: 2026-03-29 01:10\n        to: 2026-03-29 01:50")
        #expect(Self.problems(text).first?.contains("the override must end after it starts") == true)
    }

    @Test func duplicateRotationIDsAreErrors() {
        let text = Self.valid + "\n" + Self.valid.replacingOccurrences(of: "rotations:\n", with: "")
        #expect(Self.problems(text) == [
            "oncall.yaml:16:9: error: rotations[1].id: duplicate rotation id 'payments-oncall' (also used by rotations[0])",
        ])
    }

    @Test func rotationStartingAfterTodayWarnsOfTheGap() {
        let result = Self.load(Self.replacing("start: 2026-04-20", with: "start: 2026-06-01"))
        #expect(result.library != nil)
        #expect(result.diagnostics.map(\.description) == [
            "oncall.yaml:8:12: warning: rotations[0].start: the rotation starts on 2026-06-01: until its first handoff nobody is on call, and contacts naming it reach all of its participants",
        ])
    }

    @Test func contactsMustNameAKnownRotation() {
        let runbook = Self.runbook.replacingOccurrences(of: "rotation: payments-oncall", with: "rotation: payment-oncall")
        let result = Self.load(Self.valid, runbook: runbook)
        #expect(result.library == nil)
        #expect(result.diagnostics.map(\.description) == [
            "runbooks/payments.yaml:50:15: error: contacts[3].rotation: refers to unknown rotation 'payment-oncall' (did you mean 'payments-oncall'?)",
        ])
    }

    @Test func withoutOnCallFileARotationContactIsAWarning() {
        let result = Self.load(nil)
        #expect(result.library != nil)
        #expect(result.diagnostics.map(\.description) == [
            "runbooks/payments.yaml:50:15: warning: contacts[3].rotation: names rotation 'payments-oncall', but there is no oncall.yaml to define it; the contact's other details are used",
        ])
    }

    @Test func brokenOnCallFileIsOneErrorNotOnePerContact() {
        let result = Self.load("rotations:\n  - id: [unclosed\n")
        #expect(result.library == nil)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.file == "oncall.yaml")
        #expect(result.diagnostics.first?.message.contains("YAML syntax error") == true)
    }

    @Test func anEmptyOnCallFileHasNoRotations() {
        let result = Self.load("", runbook: ValidationTests.valid)
        #expect(result.diagnostics.isEmpty)
        #expect(result.library?.rotations.isEmpty == true)
    }

    @Test func pagerDutyRotationsTakeNoShiftKeys() throws {
        let pagerDuty = """
            rotations:
              - id: payments-oncall
                name: Payments on-call
                timezone: UTC
                pagerduty_schedule: PABC123
            """
        let result = Self.load(pagerDuty)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.library?.rotation("payments-oncall")?.pagerDutySchedule == "PABC123")

        let both = pagerDuty + "\n    shift: 1w"
        #expect(Self.problems(both) == [
            "oncall.yaml:6:12: error: rotations[0].shift: a rotation with pagerduty_schedule takes its shifts from PagerDuty; remove 'shift' or the schedule",
        ])
        // Participants are whom to reach when PagerDuty cannot be asked; they must be contacts.
        let fallback = Self.load(pagerDuty + "\n    participants: [alice]")
        #expect(fallback.diagnostics.isEmpty, "\(fallback.diagnostics)")
        #expect(fallback.library?.rotation("payments-oncall")?.fallbackParticipants == ["alice"])
        #expect(Self.problems(pagerDuty + "\n    participants: [alicia]").first?.contains("refers to unknown contact 'alicia'") == true)
        #expect(Self.problems(pagerDuty.replacingOccurrences(of: "PABC123", with: "https://x.pagerduty.com")).first?
            .contains("is not a PagerDuty schedule id") == true)
    }

    @Test func channelAndUserGroupMustBeTheRightKindOfAddress() {
        let text = Self.replacing("\"#payments\"", with: "U024BE7LH")
            .replacingOccurrences(of: "S0PAYONCALL", with: "\"@payments-oncall\"")
        let problems = Self.problems(text)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.contains("rotations[0].channel: 'U024BE7LH' is not a Slack channel") })
        #expect(problems.contains { $0.contains("rotations[0].user_group: '@payments-oncall' is not a Slack user-group id (S…)") })
    }

    @Test func everyProblemIsReportedInOnePass() {
        let text = Self.replacing("Europe/London", with: "Europe/Londn")
            .replacingOccurrences(of: "\"09:00\"", with: "\"9am\"")
            .replacingOccurrences(of: "[alice, bob]", with: "[alice, bobby]")
            .replacingOccurrences(of: "    channel:", with: "    chanel:")
        let errors = Self.load(text).diagnostics.errors
        // The rotation is left out for its errors, but its participants are still checked.
        #expect(Set(errors.map(\.path)) == [
            "rotations[0].timezone", "rotations[0].handoff", "rotations[0].chanel", "rotations[0].participants[1]",
        ])
        #expect(errors.map(\.line) == errors.map(\.line).sorted { ($0 ?? 0) < ($1 ?? 0) })
    }
}
