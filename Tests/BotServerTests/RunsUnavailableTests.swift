@testable import BotServer
import Foundation
import Incidents
import RunbookModel
import Slack
import TestSupport
import Testing

/// On a store that keeps no runs (an incident store of its own, as tests and tools may pass
/// to `buildApplication`), a run command says so instead of
/// being searched for as a lookup.
struct RunsUnavailableTests {
    @Test func aRunCommandWithoutRunStorageIsRefusedPlainly() async throws {
        let rig = try IncidentRig()
        let controller = SlashCommandController(
            responder: RunbookResponder(library: rig.library), runbookCommands: ["/runbook"], incidentCommands: ["/incident"],
            desk: rig.desk, handled: HandledOnce(store: rig.store, clock: rig.clock, logger: rig.logs.logger()), search: SearchExecutor()
        )
        for text in ["run replay", "step done", "drill replay", "drills"] {
            let payload = SlashCommandPayload(command: "/runbook", text: text, userID: "U1")
            let reply = String(buffer: await controller.reply(to: payload, logger: rig.logs.logger()))
            #expect(reply.contains("Procedure runs and drills are not available here"), "\(text): \(reply)")
        }
        // A lookup is still a lookup.
        let lookup = String(buffer: await controller.reply(to: SlashCommandPayload(command: "/runbook", text: "timeout", userID: "U1"), logger: rig.logs.logger()))
        #expect(lookup.contains("Lambda timeout"))
    }
}
