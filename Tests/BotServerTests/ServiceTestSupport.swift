@testable import BotServer
import GRDB
import Incidents
import Logging
import RunbookModel
import ServiceLifecycle
import Storage
import Synchronization
import TestSupport

/// The incident side of the bot on an in-memory store and a test clock, without HTTP:
/// the desk to declare with, and the scheduler's and sender's wakeups.
struct IncidentRig {
    let clock = TestClock()
    let store: SQLiteIncidentStore
    /// The store's database, for tests that break rows by hand.
    let database: DatabaseQueue
    let library: RunbookLibrary
    let desk: IncidentDesk
    let schedulerWakeup: Wakeup
    let outboxWakeup: Wakeup
    let routing = DeliveryRouting(statusChannels: ["C0STATUS"], pagerDutyEnabled: true)
    let logs = LogRecorder()

    init(levelSeconds: [Int] = [0, 60, 120], settings: String? = nil) throws {
        let (library, settings) = try FastRunbook.load(levelSeconds: levelSeconds, settings: settings)
        self.library = library
        database = try DatabaseQueue()
        store = try SQLiteIncidentStore(database: database, clock: clock, logger: logs.logger())
        let schedulerWakeup = Wakeup(clock: clock)
        let outboxWakeup = Wakeup(clock: clock)
        self.schedulerWakeup = schedulerWakeup
        self.outboxWakeup = outboxWakeup
        desk = IncidentDesk(
            store: store, library: library, settings: settings, clock: clock, pagerDutyEnabled: true,
            changed: {
                await schedulerWakeup.signal()
                await outboxWakeup.signal()
            }
        )
    }

    var scheduler: EscalationScheduler {
        EscalationScheduler(store: store, clock: clock, routing: routing, wakeup: schedulerWakeup, outbox: outboxWakeup, logger: logs.logger())
    }

    func sender(_ transport: any Transport) -> OutboxSender {
        OutboxSender(store: store, transport: transport, clock: clock, wakeup: outboxWakeup, logger: logs.logger())
    }

    @discardableResult
    func declare(_ text: String = "lambda timeout", severity: String = "") async -> IncidentDesk.Reply {
        await desk.handle(IncidentCommand(text: "declare \(severity) \(text)"), actor: "U0ALEX", channel: "C0INC")
    }

    /// The notifications queued for an incident, by level.
    func levelsNotified(_ id: String = "INC-1") async throws -> [Int] {
        try await store.deliveries(id).compactMap {
            if case .notifyLevel(let level, _, _) = $0.delivery.effect { level } else { nil }
        }
    }
}

/// A transport that answers from a script and records what it was asked to send.
final class ScriptedTransport: Transport {
    private let state = Mutex<(script: [DeliveryOutcome], sent: [OutboxMessage])>(([], []))

    init(_ script: [DeliveryOutcome] = []) {
        state.withLock { $0.script = script }
    }

    var sent: [OutboxMessage] { state.withLock { $0.sent } }

    func deliver(_ message: OutboxMessage, incident: Incident) async -> DeliveryOutcome {
        state.withLock { state in
            state.sent.append(message)
            return state.script.isEmpty ? .delivered(messageID: "1700000000.\(state.sent.count)") : state.script.removeFirst()
        }
    }
}

/// Runs a service until the body is done, then cancels it.
func running(_ service: some Service, _ body: () async throws -> Void) async throws {
    let task = Task { try await service.run() }
    defer { task.cancel() }
    try await body()
}
