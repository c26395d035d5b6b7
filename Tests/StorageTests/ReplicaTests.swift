import Foundation
import Incidents
@testable import PostgresStorage
import PostgresNIO
import RunbookModel
import Synchronization
import TestSupport
import Testing

/// Several stores on one PostgreSQL database, as several replicas of the bot open them.
@Suite(.enabled(if: StoreKind.postgresURL != nil, "needs TEST_DATABASE_URL"), .timeLimit(.minutes(2)), .hangWatchdog())
struct ReplicaTests {
    @Test func replicasStartingTogetherMigrateOnceAndShareOneInstallation() async throws {
        try await withPostgresSchema { schema in
            try await withRunningPostgresStores(count: 3, schema: schema, clock: TestClock(now: Fixtures.start)) { stores in
                var ids: Set<String> = []
                for store in stores { ids.insert(try await store.installationID()) }
                #expect(ids.count == 1)
                let applied = try await schema.client.query("SELECT COUNT(*) FROM schema_migration").decode(Int.self)
                    .reduce(into: [Int]()) { $0.append($1) }
                #expect(applied == [PostgresSchema.migrations.count], "every migration, once each")
            }
        }
    }

    @Test func numbersStaySequentialAcrossReplicas() async throws {
        try await withPostgresSchema { schema in
            try await withRunningPostgresStores(count: 3, schema: schema, clock: TestClock(now: Fixtures.start)) { stores in
                let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<30 {
                        let store = stores[index % 3]
                        group.addTask { try await Fixtures.declare(in: store, channel: "C\(index)").number }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(numbers.sorted() == Array(1...30))
            }
        }
    }

    /// Three schedulers racing over the same due incidents: each escalation is saved once.
    @Test func eachDueEscalationIsFiredByExactlyOneReplica() async throws {
        try await withPostgresSchema { schema in
            try await withRunningPostgresStores(count: 3, schema: schema, clock: TestClock(now: Fixtures.start)) { stores in
                for index in 0..<20 { try await Fixtures.declare(in: stores[index % 3], channel: "C\(index)") }
                let due = Fixtures.at(seconds: 60)
                let ids = try await withThrowingTaskGroup(of: [String].self) { group in
                    for store in stores {
                        group.addTask {
                            var fired: [String] = []
                            try await store.updateDue(at: due) { incident in
                                EscalationPlanner.due(incident, at: due).map { Fixtures.change($0) }
                            } committed: { id, result in
                                if result.saved != nil { fired.append(id) }
                            }
                            return fired
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(ids.count == 20 && Set(ids).count == 20)
                for index in 1...20 {
                    let escalations = try await stores[0].timeline("INC-\(index)").filter { $0.kind == .escalated }
                    // Level 1 at the declaration, level 2 once.
                    #expect(escalations.count == 2, "INC-\(index)")
                    #expect(try await stores[1].incident("INC-\(index)")?.levelsReached == 2)
                }
                #expect(try await stores[2].dueIncidents(at: due).isEmpty)
            }
        }
    }

    /// A queue head is one replica's until marked or until its claim runs out; then another
    /// replica takes it over, and the queue's order holds.
    @Test func aClaimedHeadIsTakenOverOnlyWhenItsClaimRunsOut() async throws {
        try await withPostgresSchema { schema in
            try await withRunningPostgresStores(count: 2, schema: schema, clock: TestClock(now: Fixtures.start)) { stores in
                let (a, b) = (stores[0], stores[1])
                try await Fixtures.declare(in: a, deliveries: OutboxTests.deliveries)
                let claimedByA = try await a.deliverable(at: Fixtures.start)
                #expect(claimedByA.map(\.queue) == ["slack:C1", "slack:C9"])
                // B gets nothing while A's claims hold, and knows when they run out.
                #expect(try await b.deliverable(at: Fixtures.at(seconds: 9)).isEmpty)
                #expect(try await b.nextDeliveryAttempt() == Fixtures.start.adding(OutboxClaim.window))

                // A delivers C9's head; C1's is still A's. A then dies.
                try await a.markDelivered(claimedByA[1], threadTS: nil, at: Fixtures.at(seconds: 1))
                #expect(try await b.deliverable(at: Fixtures.at(seconds: 2)).isEmpty)

                // After the window, B takes C1's head over: the same message, not the one behind it.
                let takenOver = try await b.deliverable(at: Fixtures.start.adding(OutboxClaim.window))
                #expect(takenOver.map(\.id) == [claimedByA[0].id])
                // A, back late, cannot push B's message back to retry; B's outcome counts.
                try await a.markRetry(claimedByA[0], retryAt: Fixtures.at(seconds: 60), error: "late")
                try await b.markDelivered(takenOver[0], threadTS: "1.1", at: Fixtures.at(seconds: 11))
                let records = try await a.deliveries("INC-1")
                #expect(records.map(\.status) == [.delivered, .delivered, .pending])
                #expect(records[0].attempts == 0 && records[0].lastError == nil)

                // The next message of C1 is free for whichever replica asks first.
                let next = try await a.deliverable(at: Fixtures.at(seconds: 11))
                #expect(next.map(\.delivery) == [OutboxTests.deliveries[2]])
                #expect(try await b.deliverable(at: Fixtures.at(seconds: 11)).isEmpty)
            }
        }
    }

    @Test func aKeySeenByOneReplicaIsNotNewToAnother() async throws {
        try await withPostgresSchema { schema in
            try await withRunningPostgresStores(count: 3, schema: schema, clock: TestClock(now: Fixtures.start)) { stores in
                let firsts = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for round in 0..<12 {
                        let store = stores[round % 3]
                        group.addTask { try await store.firstSighting("envelope:E1", at: Fixtures.start, keepFor: .seconds(7200)) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(firsts.filter { $0 }.count == 1)
            }
        }
    }

    /// One replica's commit wakes the others: a declaration is heard as a deadline change and
    /// as outbox work.
    @Test func aChangeOnOneReplicaIsHeardOnTheOthers() async throws {
        try await withPostgresSchema { schema in
            try await withRunningPostgresStores(count: 2, schema: schema, clock: TestClock(now: Fixtures.start)) { stores in
                let heard = Heard()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await stores[1].listen(listening: { heard.listening.withLock { $0 = true } }) { change in
                            heard.changes.withLock { _ = $0.insert(change) }
                        }
                    }
                    defer { group.cancelAll() }
                    // Once the other replica listens, one declaration is heard as both kinds.
                    #expect(await eventually { heard.listening.withLock { $0 } })
                    try await Fixtures.declare(in: stores[0])
                    #expect(await eventually { heard.changes.withLock { $0 } == [.deadlines, .outbox] })
                }
            }
        }
    }

    /// A replica does not wake on its own commits (its own loops were told already): every
    /// notification names the replica that committed, and that replica skips it. (Other
    /// tests on the same server notify on the same channel, so payloads are matched by id.)
    @Test func aReplicaDoesNotHearItsOwnCommits() async throws {
        try await withPostgresSchema { schema in
            try await withRunningPostgresStores(count: 2, schema: schema, clock: TestClock(now: Fixtures.start)) { stores in
                let (own, other) = (stores[0].replica, stores[1].replica)
                let heard = Heard()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await schema.client.withConnection { connection in
                            try await connection.listen(on: PostgresIncidentStore.notifyChannel) { notifications in
                                heard.listening.withLock { $0 = true }
                                for try await notification in notifications where notification.payload.hasSuffix(own) {
                                    heard.payloads.withLock { $0.append(notification.payload) }
                                }
                            }
                        }
                    }
                    defer { group.cancelAll() }
                    #expect(await eventually { heard.listening.withLock { $0 } })
                    try await Fixtures.declare(in: stores[0])
                    #expect(await eventually { heard.payloads.withLock { $0 } == ["deadlines,outbox \(own)"] })
                }
                for payload in heard.payloads.withLock({ $0 }) {
                    #expect(PostgresIncidentStore.changes(in: payload, heardBy: own).isEmpty, "its own commit")
                    #expect(PostgresIncidentStore.changes(in: payload, heardBy: other) == [.deadlines, .outbox], "another replica's commit")
                }
                #expect(PostgresIncidentStore.changes(in: "something-new", heardBy: own) == StoreChange.allCases)
                #expect(PostgresIncidentStore.changes(in: "outbox,something-new \(other)", heardBy: own) == StoreChange.allCases)
            }
        }
    }

    /// A due timer is one replica's to fire until it removes or moves it, or until its claim
    /// runs out (the holder died); then another replica fires it.
    @Test func aDueTimerIsFiredByOneReplicaAndTakenOverOnlyWhenItsClaimRunsOut() async throws {
        try await withPostgresSchema { schema in
            try await withRunningPostgresStores(count: 3, schema: schema, clock: TestClock(now: Fixtures.start)) { stores in
                for index in 0..<30 {
                    try await stores[index % 3].setTimer(DurableTimer(key: "t\(index)", dueAt: Fixtures.at(seconds: index), kind: "k", payload: "\(index)"))
                }
                let due = Fixtures.at(seconds: 60)
                // Each replica fires what it took, removes it and comes back for more, as the
                // scheduler does, until none are left.
                let taken = try await withThrowingTaskGroup(of: [String].self) { group in
                    for store in stores {
                        group.addTask {
                            var fired: [String] = []
                            while case let timers = try await store.dueTimers(at: due, limit: 7), !timers.isEmpty {
                                for timer in timers {
                                    fired.append(timer.key)
                                    try await store.finishTimer(timer)
                                }
                            }
                            return fired
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(taken.count == 30 && Set(taken).count == 30, "every timer taken by exactly one replica")

                // A replica that took a timer and died: the others wait for its claim, then fire it.
                let (a, b) = (stores[0], stores[1])
                try await a.setTimer(DurableTimer(key: "handoff", dueAt: Fixtures.at(seconds: 100), kind: "k", payload: "p"))
                #expect(try await a.dueTimers(at: Fixtures.at(seconds: 100), limit: 10).map(\.key) == ["handoff"])
                #expect(try await b.dueTimers(at: Fixtures.at(seconds: 105), limit: 10).map(\.key).contains("handoff") == false)
                #expect(try await b.dueTimers(at: Fixtures.at(seconds: 110), limit: 10).map(\.key).contains("handoff"))
            }
        }
    }

    /// A run's checklist, started on one replica, is sent by one replica; a run changed on
    /// two replicas at once keeps both changes.
    @Test func runsAreSharedAndTheirMessagesSentByOneReplica() async throws {
        try await withPostgresSchema { schema in
            try await withRunningPostgresStores(count: 2, schema: schema, clock: TestClock(now: Fixtures.start)) { stores in
                let (a, b) = (stores[0], stores[1])
                let incident = try await Fixtures.declare(in: a)
                let run = try await b.startRun { number in
                    RunStoreTests.change(RunMachine.start(RunStoreTests.procedure, system: "s", kind: .incident, incidentID: incident.id,
                                                          channel: "C1", number: number, by: "U9", at: Fixtures.start))
                }
                #expect(try await a.runs(incidentID: incident.id).map(\.id) == [run.id])
                let claimed = try await a.deliverableRunMessages(at: Fixtures.start)
                #expect(claimed.map(\.delivery) == [.postChecklist])
                #expect(try await b.deliverableRunMessages(at: Fixtures.at(seconds: 1)).isEmpty)
                #expect(try await b.nextRunDeliveryAttempt() == Fixtures.start.adding(OutboxClaim.window))
                try await a.markRunDelivered(claimed[0], messageTS: "1700.1", at: Fixtures.at(seconds: 1))
                #expect(try await b.run(run.id)?.checklistTS == "1700.1")

                // Two replicas acting on the run at once: the row lock orders them, nothing is lost.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for store in [a, b] {
                        group.addTask {
                            _ = try await store.updateRun(run.id) { run in
                                RunStoreTests.change(try RunMachine.apply(.done(note: nil), to: run, by: "U9", at: Fixtures.at(seconds: 60)))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                #expect(try await a.run(run.id)?.records.map(\.outcome) == [.done, .done])
            }
        }
    }

    @Test func anOverrideRecordedOnOneReplicaIsSeenAndCancelledOnceOnAnother() async throws {
        try await withPostgresSchema { schema in
            try await withRunningPostgresStores(count: 2, schema: schema, clock: TestClock(now: Fixtures.start)) { stores in
                let (a, b) = (stores[0], stores[1])
                let added = try await a.addOverride(rotationID: "r", contactID: "alice", from: Fixtures.start, until: Fixtures.at(seconds: 3600),
                                                    reason: nil, by: "U1", at: Fixtures.start)
                #expect(try await b.overrides(endingAfter: Fixtures.start) == [added])
                let cancels = try await withThrowingTaskGroup(of: OnCallOverride?.self) { group in
                    for store in [a, b] { group.addTask { try await store.cancelOverride(id: added.id, by: "U2", at: Fixtures.at(seconds: 5)) } }
                    return try await group.reduce(into: [OnCallOverride?]()) { $0.append($1) }
                }
                #expect(cancels.compactMap { $0 } == [added])
                #expect(try await a.overrides(endingAfter: Fixtures.start).isEmpty)
            }
        }
    }
}

final class Heard: Sendable {
    let listening = Mutex(false)
    let changes = Mutex<Set<StoreChange>>([])
    let payloads = Mutex<[String]>([])
}
