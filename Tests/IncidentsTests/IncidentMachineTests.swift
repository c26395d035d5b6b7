import Incidents
import Testing

struct IncidentMachineTests {
    @Test func declarationPostsTheCardAndReachesLevelOne() {
        let transition = Fixtures.declare()
        #expect(transition.incident.id == "INC-1")
        #expect(transition.incident.state == .triggered)
        #expect(transition.incident.levelsReached == 1)
        #expect(transition.effects == [.postCard, .notifyLevel(level: 1, reason: .declared)])
        #expect(transition.timeline.map(\.kind) == [.declared, .escalated])
        #expect(transition.timeline[0].actor == "U9")
    }

    @Test func criticalRunsTheCriticalPathAtOnce() {
        let transition = Fixtures.declare(severity: .critical)
        #expect(transition.effects.contains(.pageTrigger))
        #expect(transition.effects.contains(.notifyCritical()))
        #expect(transition.effects.contains { if case .statusUpdate = $0 { true } else { false } })
        #expect(transition.incident.levelsReached == 3)
        #expect(transition.incident.paged)
        let resolved = try? IncidentMachine.apply(.resolve(by: "U2", note: nil), to: transition.incident, at: Fixtures.at(seconds: 60))
        #expect(resolved?.effects.contains(.pageResolve) == true)
    }

    @Test func everyTransitionIsRecordedWithActorAndTime() throws {
        var incident = Fixtures.declare().incident
        let ack = try IncidentMachine.apply(.acknowledge(by: "U2"), to: incident, at: Fixtures.at(seconds: 30))
        incident = ack.incident
        #expect(incident.state == .acknowledged)
        #expect(incident.acknowledgedBy == "U2")
        #expect(ack.timeline == [TimelineEntry(at: Fixtures.at(seconds: 30), actor: "U2", kind: .acknowledged, text: "acknowledged")])

        let update = try IncidentMachine.apply(.update(by: "U3", text: "  replay running "), to: incident, at: Fixtures.at(seconds: 40))
        #expect(update.effects == [.statusUpdate(text: "replay running"), .updateCard])
        #expect(update.incident.lastStatusText == "replay running")

        let resolve = try IncidentMachine.apply(.resolve(by: "U2", note: "backlog replayed"), to: update.incident, at: Fixtures.at(seconds: 50))
        #expect(resolve.incident.state == .resolved)
        #expect(resolve.incident.resolutionNote == "backlog replayed")
        #expect(resolve.timeline.first?.text == "resolved: backlog replayed")
        #expect(!resolve.effects.contains(.pageResolve))
    }

    @Test func illegalMovesAreRefusedAndChangeNothing() throws {
        let incident = Fixtures.declare().incident
        let resolved = try IncidentMachine.apply(.resolve(by: "U2", note: nil), to: incident, at: Fixtures.at(seconds: 1)).incident
        #expect(throws: IncidentError.alreadyResolved("INC-1")) {
            try IncidentMachine.apply(.acknowledge(by: "U2"), to: resolved, at: Fixtures.at(seconds: 2))
        }
        #expect(throws: IncidentError.alreadyResolved("INC-1")) {
            try IncidentMachine.apply(.resolve(by: "U2", note: nil), to: resolved, at: Fixtures.at(seconds: 2))
        }
        let acked = try IncidentMachine.apply(.acknowledge(by: "U2"), to: incident, at: Fixtures.at(seconds: 1)).incident
        #expect(throws: IncidentError.alreadyAcknowledged("INC-1")) {
            try IncidentMachine.apply(.acknowledge(by: "U3"), to: acked, at: Fixtures.at(seconds: 2))
        }
        #expect(throws: IncidentError.emptyUpdate) {
            try IncidentMachine.apply(.update(by: "U2", text: "   "), to: incident, at: Fixtures.at(seconds: 2))
        }
    }

    @Test func manualEscalationMovesToTheNextLevelAtOnce() throws {
        let incident = Fixtures.declare().incident
        let escalated = try IncidentMachine.apply(.escalate(by: "U2"), to: incident, at: Fixtures.at(seconds: 60))
        #expect(escalated.incident.levelsReached == 2)
        #expect(escalated.effects.first == .notifyLevel(level: 2, reason: .byHand(by: "U2")))
        // Level 3 keeps its own time: 30 minutes after the start.
        #expect(EscalationPlanner.nextEscalation(escalated.incident) == Fixtures.at(seconds: 1800))
        let top = try IncidentMachine.apply(.escalate(by: "U2"), to: escalated.incident, at: Fixtures.at(seconds: 61)).incident
        #expect(throws: IncidentError.noMoreLevels("INC-1")) {
            try IncidentMachine.apply(.escalate(by: "U2"), to: top, at: Fixtures.at(seconds: 62))
        }
    }
}
