import GRDB
import Incidents
import RunbookModel
import Storage
import TestSupport
import Testing

/// Runs on both stores: a run, its lines, its watch timer and its deliveries are saved together
/// or not at all; an incident run's lines are in the incident's timeline; drills are kept.
struct RunStoreTests {
    static let procedure = Procedure(id: "replay", title: "Replay", steps: [
        ProcedureStep(title: "Count"),
        ProcedureStep(title: "Replay", watchFor: RunbookDuration(seconds: 300), expect: "depth falls"),
    ])

    static func change(_ transition: RunMachine.Transition) -> RunChange {
        RunChange(run: transition.run, timeline: transition.timeline.map { TimelineEntry(at: transition.run.startedAt, actor: "U9", kind: .run, text: $0) },
                  deliveries: [.postChecklist])
    }

    /// The store as runs use it: both kinds keep runs, timers and incidents together.
    typealias RunsStore = IncidentStore & RunStore & TimerStore

    static func withRunsStore(_ kind: StoreKind, _ body: (any RunsStore) async throws -> Void) async throws {
        try await withStore(kind) { store in try await body(try #require(store as? any RunsStore)) }
    }

    @Test(arguments: StoreKind.all) func anIncidentRunIsSavedWithItsLinesTimerAndDeliveriesInOneTransaction(_ kind: StoreKind) async throws {
        try await Self.withRunsStore(kind) { store in
            let incident = try await Fixtures.declare(in: store)
            let run = try await store.startRun { number in
                Self.change(RunMachine.start(Self.procedure, system: "s", kind: .incident, incidentID: incident.id, channel: "C1",
                                             number: number, by: "U9", at: Fixtures.start))
        }
        #expect(run.id == "RUN-1")
        #expect(try await store.timeline(incident.id).last?.text == "RUN-1: started Replay (2 steps)")
        #expect(try await store.runs(incidentID: incident.id).map(\.id) == ["RUN-1"])
        #expect(try await store.deliverableRunMessages(at: Fixtures.start).map(\.delivery) == [.postChecklist])

        // A change that throws saves nothing: no step, no line, no timer, no delivery.
        await #expect(throws: RunError.self) {
            _ = try await store.updateRun("RUN-1") { run in
                let moved = try RunMachine.apply(.done(note: nil), to: run, by: "U9", at: Fixtures.at(seconds: 60))
                _ = try RunMachine.apply(.choose(7), to: moved.run, by: "U9", at: Fixtures.at(seconds: 60))
                return Self.change(moved)
            }
        }
        #expect(try await store.run("RUN-1")?.current == 0)
        #expect(try await store.nextTimerDue() == nil)
        #expect(try await store.runTimeline("RUN-1").count == 1)

        // Done: step 2 is current and its watch timer is saved with it.
        let saved = try await store.updateRun("RUN-1") { run in
            Self.change(try RunMachine.apply(.done(note: nil), to: run, by: "U9", at: Fixtures.at(seconds: 60)))
        }
        #expect(saved.saved?.run.current == 1)
        #expect(try await store.nextTimerDue() == Fixtures.at(seconds: 360))

        // The checklist's message id is kept when it is delivered.
        let message = try #require(try await store.deliverableRunMessages(at: Fixtures.start).first)
        try await store.markRunDelivered(message, messageTS: "1700.1", at: Fixtures.at(seconds: 1))
        try await store.markRunDelivered(message, messageTS: "1700.2", at: Fixtures.at(seconds: 2))
        #expect(try await store.run("RUN-1")?.checklistTS == "1700.1", "marking twice changes nothing")
        }
    }

    @Test(arguments: StoreKind.all) func drillsAreKeptWithoutAnIncidentAndListedNewestFirst(_ kind: StoreKind) async throws {
        try await Self.withRunsStore(kind) { store in
            for channel in ["C1", "C2"] {
                _ = try await store.startRun { number in
                    Self.change(RunMachine.start(Self.procedure, system: "s", kind: .drill, incidentID: nil, channel: channel,
                                                 number: number, by: "U9", at: Fixtures.start))
                }
        }
        #expect(try await store.drills(limit: 10).map(\.id) == ["RUN-2", "RUN-1"])
        #expect(try await store.activeRuns(channel: "C2").map(\.id) == ["RUN-2"])
        #expect(try await store.runTimeline("RUN-1").map(\.text) == ["RUN-1: drill of Replay (2 steps)"])
        // A failed delivery is written in the run's own lines.
        let message = try #require(try await store.deliverableRunMessages(at: Fixtures.start).first { $0.runID == "RUN-1" })
        try await store.markRunFailed(message, error: "channel_not_found", at: Fixtures.at(seconds: 5))
        #expect(try await store.runTimeline("RUN-1").last?.text.contains("channel_not_found") == true)
        #expect(try await store.updateRun("RUN-99") { _ in nil }.saved == nil)
        }
    }
}
