import AsyncHTTPClient
@testable import BotServer
import Foundation
import Incidents
import RunbookModel
import Slack
import TestSupport
import Testing

/// Socket Mode envelopes turned into handler calls and acknowledgements, without a socket.
struct EnvelopeDispatcherTests {
    struct Acknowledgement: Decodable {
        var envelopeID: String
        var payload: SlackMessage?

        enum CodingKeys: String, CodingKey {
            case payload
            case envelopeID = "envelope_id"
        }
    }

    static func dispatcher(_ rig: IncidentRig) -> EnvelopeDispatcher {
        let responder = RunbookResponder(library: rig.library)
        let console = ConsoleTransport(logger: rig.logs.logger(), times: TimeFormatter(timeZoneIdentifier: "UTC"))
        let handled = HandledOnce(store: rig.store, clock: rig.clock, logger: rig.logs.logger())
        return EnvelopeDispatcher(
            commands: SlashCommandController(
                responder: responder, runbookCommands: ["/runbook"], incidentCommands: ["/incident"], desk: rig.desk, handled: handled,
                search: SearchExecutor()
            ),
            interactions: InteractionsController(responder: responder, desk: rig.desk, slack: SlackWebAPI(client: .shared), handled: handled),
            events: SlackEventsController(
                responder: responder, poster: LiveTransport(slack: nil, pagerDuty: nil, console: console, times: console.times),
                handled: handled, search: SearchExecutor()
            ),
            handled: handled
        )
    }

    static func slashCommand(envelope: String, command: String = "/runbook", text: String, acceptsPayload: Bool = true) -> String {
        """
        {"envelope_id":"\(envelope)","type":"slash_commands","accepts_response_payload":\(acceptsPayload),\
        "payload":{"token":"t","team_id":"T1","channel_id":"C0INC","user_id":"U0ALEX","command":"\(command)","text":"\(text)",\
        "is_enterprise_install":false,"response_url":"https://hooks.slack.com/x","trigger_id":"1.2"}}
        """
    }

    static func acknowledgement(_ frame: EnvelopeDispatcher.Frame) throws -> Acknowledgement {
        guard case .acknowledge(let text) = frame else { throw DispatchFailure(frame: frame) }
        return try JSONDecoder().decode(Acknowledgement.self, from: Data(text.utf8))
    }

    struct DispatchFailure: Error { var frame: EnvelopeDispatcher.Frame }

    @Test func controlFramesAndGarbage() async throws {
        let rig = try IncidentRig()
        let dispatcher = Self.dispatcher(rig)
        let logger = rig.logs.logger()
        #expect(await dispatcher.handle(#"{"type":"hello","num_connections":1}"#, logger: logger) == .hello)
        #expect(await dispatcher.handle(#"{"type":"disconnect","reason":"warning"}"#, logger: logger) == .disconnect(reason: "warning"))
        #expect(await dispatcher.handle("not json", logger: logger) == .ignore)
        #expect(await dispatcher.handle(#"{"no":"type"}"#, logger: logger) == .ignore)
        // An envelope the bot cannot read the payload of is still acknowledged, so Slack stops resending it.
        let odd = try Self.acknowledgement(await dispatcher.handle(#"{"envelope_id":"E9","type":"interactive","payload":42}"#, logger: logger))
        #expect(odd.envelopeID == "E9" && odd.payload == nil)
    }

    @Test func aSlashCommandIsAnsweredInItsAcknowledgement() async throws {
        let rig = try IncidentRig()
        let dispatcher = Self.dispatcher(rig)
        let ack = try Self.acknowledgement(await dispatcher.handle(Self.slashCommand(envelope: "E1", text: "timeout"), logger: rig.logs.logger()))
        #expect(ack.envelopeID == "E1")
        #expect(ack.payload?.text.hasPrefix("Lambda timeout") == true)
        #expect(ack.payload?.blocks?.isEmpty == false)
        // Where Slack takes no payload, the acknowledgement is bare.
        let bare = try Self.acknowledgement(await dispatcher.handle(Self.slashCommand(envelope: "E2", text: "timeout", acceptsPayload: false), logger: rig.logs.logger()))
        #expect(bare.payload == nil)
    }

    @Test func aRedeliveredEnvelopeIsAcknowledgedAgainButHandledOnce() async throws {
        let rig = try IncidentRig()
        let dispatcher = Self.dispatcher(rig)
        let declare = Self.slashCommand(envelope: "E7", command: "/incident", text: "declare lambda timeout")
        let first = try Self.acknowledgement(await dispatcher.handle(declare, logger: rig.logs.logger()))
        let again = try Self.acknowledgement(await dispatcher.handle(declare, logger: rig.logs.logger()))
        #expect(first.payload?.text.hasPrefix("INC-1 declared") == true)
        #expect(again.envelopeID == "E7" && again.payload == nil)
        #expect(try await rig.store.openIncidents(channel: nil).count == 1)
    }

    @Test func aClickActsOnTheIncident() async throws {
        let rig = try IncidentRig()
        await rig.declare()
        let dispatcher = Self.dispatcher(rig)
        let click = """
            {"envelope_id":"E3","type":"interactive","accepts_response_payload":false,"payload":{"type":"block_actions",\
            "user":{"id":"U0SAM"},"container":{"channel_id":"C0INC"},"actions":[{"action_id":"incident_acknowledge","value":"INC-1","action_ts":"1.1"}]}}
            """
        _ = try Self.acknowledgement(await dispatcher.handle(click, logger: rig.logs.logger()))
        let incident = try await rig.store.incident("INC-1")
        #expect(incident?.state == .acknowledged && incident?.acknowledgedBy == "U0SAM")
    }
}
