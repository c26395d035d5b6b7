import Incidents
import Storage
import Synchronization
import TestSupport
import Testing

@Suite(.hangWatchdog()) struct SchedulingTests {
    @Test(arguments: StoreKind.all) func deadlinesFollowTheEscalationPlanner(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let incident = try await Fixtures.declare(in: store)
            // Level 1 was reached at declaration; level 2 is due 60s in.
            #expect(EscalationPlanner.nextDeadline(incident) == Fixtures.at(seconds: 60))
            #expect(try await store.nextDeadline() == Fixtures.at(seconds: 60))
            #expect(try await store.dueIncidents(at: Fixtures.at(seconds: 59)).isEmpty)
            #expect(try await store.dueIncidents(at: Fixtures.at(seconds: 60)) == ["INC-1"])

            let change = try await store.update("INC-1") { incident in
                EscalationPlanner.due(incident, at: Fixtures.at(seconds: 60)).map { Fixtures.change($0) }
            }
            let escalated = try #require(change.saved?.transition.incident)
            #expect(escalated.levelsReached == 2)
            #expect(try await store.incident("INC-1")?.levelsReached == 2)
            #expect(try await store.timeline("INC-1").last?.text.hasPrefix("level 2") == true)
            #expect(try await store.deliveries("INC-1").map(\.delivery.effect).contains(.notifyLevel(level: 2, reason: .notHandled(afterSeconds: 60, runsWhile: .unresolved))))
            // The saved deadline moved with the incident.
            #expect(try await store.nextDeadline() == EscalationPlanner.nextDeadline(escalated))
            #expect(try await store.nextDeadline() == Fixtures.at(seconds: 120))
            #expect(try await store.dueIncidents(at: Fixtures.at(seconds: 60)).isEmpty)
        }
    }

    @Test(arguments: StoreKind.all) func dueIncidentsComeEarliestDeadlineFirst(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Fixtures.declare(in: store, at: 30) // INC-1: level 2 due at 90s
            try await Fixtures.declare(in: store, at: 0)  // INC-2: level 2 due at 60s
            #expect(try await store.nextDeadline() == Fixtures.at(seconds: 60))
            #expect(try await store.dueIncidents(at: Fixtures.at(seconds: 75)) == ["INC-2"])
            #expect(try await store.dueIncidents(at: Fixtures.at(seconds: 100)) == ["INC-2", "INC-1"])
        }
    }

    @Test(arguments: StoreKind.all) func resolvedIncidentsLeaveTheSchedule(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Fixtures.declare(in: store, channel: "C1", at: 0)
            try await Fixtures.declare(in: store, channel: "C2", at: 10)
            try await Fixtures.declare(in: store, channel: "C1", at: 20)
            #expect(try await store.openIncidents(channel: nil).map(\.id) == ["INC-1", "INC-2", "INC-3"])
            #expect(try await store.openIncidents(channel: "C1").map(\.id) == ["INC-1", "INC-3"])

            try await Fixtures.apply(.resolve(by: "U1", note: "replayed"), to: "INC-1", at: 30, in: store)
            #expect(try await store.openIncidents(channel: nil).map(\.id) == ["INC-2", "INC-3"])
            #expect(try await store.openIncidents(channel: "C1").map(\.id) == ["INC-3"])
            // INC-1's level 2 (60s) no longer counts: INC-2's (70s) is next.
            #expect(try await store.nextDeadline() == Fixtures.at(seconds: 70))
            #expect(try await store.dueIncidents(at: Fixtures.at(seconds: 65)).isEmpty)

            try await Fixtures.apply(.resolve(by: "U1", note: nil), to: "INC-3", at: 40, in: store)
            try await Fixtures.apply(.resolve(by: "U1", note: nil), to: "INC-2", at: 50, in: store)
            #expect(try await store.openIncidents(channel: nil).isEmpty)
            #expect(try await store.nextDeadline() == nil)
            #expect(try await store.dueIncidents(at: Fixtures.at(seconds: 100_000)).isEmpty)

            // Newest resolution first; `since` is inclusive.
            #expect(try await store.resolvedIncidents(since: Fixtures.at(seconds: 30)).map(\.id) == ["INC-2", "INC-3", "INC-1"])
            #expect(try await store.resolvedIncidents(since: Fixtures.at(seconds: 31)).map(\.id) == ["INC-2", "INC-3"])
            #expect(try await store.resolvedIncidents(since: Fixtures.at(seconds: 51)).isEmpty)
            #expect(try await store.incident("INC-1")?.resolutionNote == "replayed")
        }
    }

    /// A burst of deadlines is fired in one pass, earliest first, each incident once, with
    /// its timeline lines and deliveries in order (PostgreSQL fires them in batches).
    @Test(arguments: StoreKind.all) func aBurstOfDueIncidentsIsFiredInOnePassEarliestFirst(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            // More than one batch: level 2 of INC-n is due at 60 + (40 - n) s, so the last
            // declared is due first.
            for index in 0..<40 { try await Fixtures.declare(in: store, channel: "C\(index % 3)", at: 39 - index) }
            let now = Fixtures.at(seconds: 100)
            let order = Mutex<[String]>([])
            try await store.updateDue(at: now) { incident in
                EscalationPlanner.due(incident, at: now).map { Fixtures.change($0) }
            } committed: { id, result in
                if result.saved != nil { order.withLock { $0.append(id) } }
            }
            #expect(order.withLock { $0 } == (1...40).reversed().map { "INC-\($0)" })
            for number in 1...40 {
                let id = "INC-\(number)"
                #expect(try await store.incident(id)?.levelsReached == 2)
                #expect(try await store.timeline(id).filter { $0.text.hasPrefix("level 2") }.count == 1)
                let effects = try await store.deliveries(id).map(\.delivery.effect)
                #expect(effects.filter { $0 == .notifyLevel(level: 2, reason: .notHandled(afterSeconds: 60, runsWhile: .unresolved)) }.count == 1)
                #expect(effects.first == .postCard, "the declaration's messages still come first")
            }
            #expect(try await store.dueIncidents(at: now).isEmpty)
        }
    }

    /// An incident whose firing fails holds back only itself: the others due with it are
    /// fired, and the failure is reported once the pass is done, so the caller waits before
    /// trying it again.
    @Test(arguments: StoreKind.all) func oneIncidentThatCannotBeFiredHoldsBackOnlyItself(_ kind: StoreKind) async throws {
        struct Refused: Error {}
        try await withStore(kind) { store in
            for _ in 0..<3 { try await Fixtures.declare(in: store) }
            let now = Fixtures.at(seconds: 60)
            let fired = Mutex<[String]>([])
            await #expect(throws: Refused.self) {
                try await store.updateDue(at: now) { incident in
                    if incident.id == "INC-2" { throw Refused() }
                    return EscalationPlanner.due(incident, at: now).map { Fixtures.change($0) }
                } committed: { id, result in
                    if result.saved != nil { fired.withLock { $0.append(id) } }
                }
            }
            #expect(fired.withLock { $0 } == ["INC-1", "INC-3"])
            #expect(try await store.incident("INC-1")?.levelsReached == 2)
            #expect(try await store.incident("INC-2")?.levelsReached == 1)
            #expect(try await store.incident("INC-3")?.levelsReached == 2)
            #expect(try await store.dueIncidents(at: now) == ["INC-2"], "still due, for the next pass")
        }
    }
}
