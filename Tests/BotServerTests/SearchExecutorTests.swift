@testable import BotServer
import Dispatch
import Foundation
import Incidents
import RunbookModel
import Slack
import Synchronization
import TestSupport
import Testing

/// Long query texts wait for the search thread, not for the shared pool: with that thread
/// busy, a short lookup is still answered at once, and the long one when the thread frees.
struct SearchExecutorTests {
    @Test func longTextsQueueOnTheSearchThreadWhileShortOnesAreAnswered() async throws {
        let rig = try IncidentRig()
        let search = SearchExecutor()
        let controller = SlashCommandController(
            responder: RunbookResponder(library: rig.library), runbookCommands: ["/runbook"], incidentCommands: ["/incident"],
            desk: rig.desk, handled: HandledOnce(store: rig.store, clock: rig.clock, logger: rig.logs.logger()), search: search
        )
        // Hold the search thread, as a worst-case query in progress would.
        let gate = DispatchSemaphore(value: 0)
        let holding = Mutex(false)
        let blocker = Task { await search.run(for: String(repeating: "x", count: 300)) { holding.withLock { $0 = true }; gate.wait() } }
        #expect(await eventually { holding.withLock { $0 } })

        let answered = Mutex<[String]>([])
        let long = Task {
            let payload = SlashCommandPayload(command: "/runbook", text: String(repeating: "timeout ", count: 40), userID: "U1")
            _ = await controller.reply(to: payload, logger: rig.logs.logger())
            answered.withLock { $0.append("long") }
        }
        let short = SlashCommandPayload(command: "/runbook", text: "timeout", userID: "U1")
        let reply = String(buffer: await controller.reply(to: short, logger: rig.logs.logger()))
        answered.withLock { $0.append("short") }
        #expect(reply.contains("Lambda timeout"))
        #expect(answered.withLock { $0 } == ["short"], "the short lookup did not wait for the search thread")

        gate.signal()
        await blocker.value
        await long.value
        #expect(answered.withLock { $0 } == ["short", "long"])
    }
}
