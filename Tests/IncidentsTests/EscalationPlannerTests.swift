import Incidents
import Testing

/// The planner against an injected clock: time is a value, nothing sleeps.
struct EscalationPlannerTests {
    @Test func levelsAreReachedAtTheirDurationsSinceTheStart() throws {
        var incident = Fixtures.declare().incident
        #expect(EscalationPlanner.nextDeadline(incident) == Fixtures.at(seconds: 900))
        #expect(EscalationPlanner.due(incident, at: Fixtures.at(seconds: 899)) == nil)

        let second = try #require(EscalationPlanner.due(incident, at: Fixtures.at(seconds: 900)))
        #expect(second.effects == [.notifyLevel(level: 2, reason: .notHandled(afterSeconds: 900, runsWhile: .unresolved)), .updateCard])
        incident = second.incident
        #expect(EscalationPlanner.nextDeadline(incident) == Fixtures.at(seconds: 1800))

        let third = try #require(EscalationPlanner.due(incident, at: Fixtures.at(seconds: 1800)))
        #expect(third.effects == [
            .notifyLevel(level: 3, reason: .notHandled(afterSeconds: 1800, runsWhile: .unresolved)),
            .chainStopped(reason: .lastLevelReached),
            .updateCard,
        ])
        #expect(EscalationPlanner.nextDeadline(third.incident) == nil)
    }

    @Test func overdueLevelsAllFireOnceAfterDowntime() throws {
        // The bot was down from 1m to 40m: both missing levels fire at once, each exactly once.
        let incident = Fixtures.declare().incident
        let late = try #require(EscalationPlanner.due(incident, at: Fixtures.at(seconds: 2400)))
        #expect(late.effects.filter { if case .notifyLevel = $0 { true } else { false } }.count == 2)
        #expect(late.incident.levelsReached == 3)
        #expect(EscalationPlanner.due(late.incident, at: Fixtures.at(seconds: 2401)) == nil)
    }

    @Test func resolutionStopsTheChain() throws {
        let incident = Fixtures.declare().incident
        let resolved = try IncidentMachine.apply(.resolve(by: "U2", note: nil), to: incident, at: Fixtures.at(seconds: 60))
        #expect(EscalationPlanner.nextDeadline(resolved.incident) == nil)
        #expect(EscalationPlanner.due(resolved.incident, at: Fixtures.at(seconds: 5000)) == nil)
    }

    @Test func acknowledgementStopsOnlyAnUnacknowledgedChain() throws {
        let unresolvedPolicy = Fixtures.declare().incident
        let acked = try IncidentMachine.apply(.acknowledge(by: "U2"), to: unresolvedPolicy, at: Fixtures.at(seconds: 60))
        #expect(EscalationPlanner.nextDeadline(acked.incident) == Fixtures.at(seconds: 900))

        let ackPolicy = Fixtures.declare(policy: Fixtures.policy(runsWhile: .unacknowledged)).incident
        let stopped = try IncidentMachine.apply(.acknowledge(by: "U2"), to: ackPolicy, at: Fixtures.at(seconds: 60))
        #expect(EscalationPlanner.nextDeadline(stopped.incident) == nil)
        #expect(stopped.effects.contains { if case .chainStopped = $0 { true } else { false } })
    }

    @Test func lastLevelRepeatsAsConfiguredThenStops() throws {
        let policy = Fixtures.policy(levels: [0, 60], repeating: .init(everySeconds: 120, times: 2))
        var incident = Fixtures.declare(policy: policy).incident
        incident = try #require(EscalationPlanner.due(incident, at: Fixtures.at(seconds: 60))).incident
        #expect(EscalationPlanner.nextEscalation(incident) == Fixtures.at(seconds: 180))
        let first = try #require(EscalationPlanner.due(incident, at: Fixtures.at(seconds: 180)))
        #expect(first.effects.first == .notifyLevel(level: 2, reason: .repeated(number: 1, of: 2, missed: 0)))
        #expect(EscalationPlanner.nextEscalation(first.incident) == Fixtures.at(seconds: 300))
        let second = try #require(EscalationPlanner.due(first.incident, at: Fixtures.at(seconds: 300)))
        #expect(second.effects.contains(.chainStopped(reason: .repeatsDone)))
        #expect(EscalationPlanner.nextEscalation(second.incident) == nil)
    }

    /// Down for 65 minutes with a repeat every 10: one ping that says 5 more were missed, not six.
    @Test func afterDowntimeOneRepeatSaysHowManyWereMissed() throws {
        let policy = Fixtures.policy(levels: [0], repeating: .init(everySeconds: 600))
        let declared = Fixtures.declare(policy: policy).incident
        let after = try #require(EscalationPlanner.due(declared, at: Fixtures.at(seconds: 65 * 60)))
        let pings = after.effects.filter { if case .notifyLevel = $0 { true } else { false } }
        #expect(pings == [.notifyLevel(level: 1, reason: .repeated(number: 6, of: nil, missed: 5))])
        #expect(after.incident.repeatsDone == 6)
        #expect(EscalationPlanner.nextEscalation(after.incident) == Fixtures.at(seconds: 70 * 60))
        // With a limit, the missed ones count toward it and the chain stops at it.
        let limited = Fixtures.declare(policy: Fixtures.policy(levels: [0], repeating: .init(everySeconds: 600, times: 3))).incident
        let stopped = try #require(EscalationPlanner.due(limited, at: Fixtures.at(seconds: 65 * 60)))
        #expect(stopped.effects.contains(.notifyLevel(level: 1, reason: .repeated(number: 3, of: 3, missed: 2))))
        #expect(stopped.effects.contains(.chainStopped(reason: .repeatsDone)))
    }

    @Test func remindersComeAfterSilenceAndStopAtResolution() throws {
        var incident = Fixtures.declare(policy: Fixtures.policy(levels: [0]), reminderSeconds: 1800).incident
        #expect(EscalationPlanner.nextDeadline(incident) == Fixtures.at(seconds: 1800))
        let update = try IncidentMachine.apply(.update(by: "U2", text: "working on it"), to: incident, at: Fixtures.at(seconds: 1000))
        incident = update.incident
        #expect(EscalationPlanner.nextDeadline(incident) == Fixtures.at(seconds: 2800))
        let reminder = try #require(EscalationPlanner.due(incident, at: Fixtures.at(seconds: 2800)))
        #expect(reminder.effects == [.reminder])
        #expect(EscalationPlanner.nextDeadline(reminder.incident) == Fixtures.at(seconds: 4600))
        let resolved = try IncidentMachine.apply(.resolve(by: "U2", note: nil), to: reminder.incident, at: Fixtures.at(seconds: 3000))
        #expect(EscalationPlanner.nextDeadline(resolved.incident) == nil)
    }

    @Test func policyIsASnapshot() throws {
        // The incident carries its own copy: editing the policy value afterwards changes nothing.
        var policy = Fixtures.policy()
        let incident = Fixtures.declare(policy: policy).incident
        policy.levels[1].afterSeconds = 60
        #expect(incident.policy.levels[1].afterSeconds == 900)
        #expect(EscalationPlanner.nextDeadline(incident) == Fixtures.at(seconds: 900))
    }

    @Test func reasonsReadAsTheTimelineShowsThem() {
        #expect(IncidentNotice.describe(EscalationReason.notHandled(afterSeconds: 900, runsWhile: .unresolved)).description == "not resolved after 15m")
        #expect(IncidentNotice.describe(EscalationReason.notHandled(afterSeconds: 1800, runsWhile: .unacknowledged)).description == "not acknowledged after 30m")
        #expect(IncidentNotice.describe(EscalationReason.repeated(number: 1, of: 2, missed: 0)).description == "still open: repeat 1 of 2")
        #expect(IncidentNotice.describe(ChainStopReason.lastLevelReached).description == "last escalation level reached; the chain stops here")
        // An actor is a mention, not a name baked into the text.
        #expect(IncidentNotice.describe(EscalationReason.byHand(by: "U0ALEX")).spans.contains(.mention(.user(id: "U0ALEX"))))
    }
}
