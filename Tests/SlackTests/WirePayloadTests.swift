import Foundation
import Incidents
import RunbookModel
import Slack
import Testing

/// What Slack sends, decoded as types; what it answers, classified; what the bot posts, rendered.
struct WirePayloadTests {
    @Test func aBlockActionsClickIsDecoded() throws {
        let json = """
            {"type":"block_actions","user":{"id":"U0ALEX","username":"alex"},"team":{"id":"T1"},
             "container":{"type":"message","message_ts":"1.2","channel_id":"C0INC"},"response_url":"https://hooks.slack.com/x",
             "actions":[{"action_id":"incident_acknowledge","block_id":"b","type":"button","value":"INC-1","action_ts":"1700.1"},
                        {"action_id":"no_value","type":"overflow"}]}
            """
        let payload = try JSONDecoder().decode(InteractionPayload.self, from: Data(json.utf8))
        #expect(payload.clicks == [InteractionPayload.Click(
            user: "U0ALEX", channel: "C0INC", responseURL: "https://hooks.slack.com/x", actionID: "incident_acknowledge",
            value: "INC-1", actionTS: "1700.1"
        )])
        // Another interaction type has no clicks; a payload without a user has none either.
        let other = try JSONDecoder().decode(InteractionPayload.self, from: Data(#"{"type":"view_submission","user":{"id":"U1"}}"#.utf8))
        #expect(other.clicks.isEmpty)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(InteractionPayload.self, from: Data(#"{"user":{"id":"U1"}}"#.utf8)) }
    }

    /// A checklist's note field is an input block; what was typed in it comes back in the
    /// click's `state`, and a state of the wrong shape loses the note, never the click.
    @Test func aNoteTypedUnderTheButtonsComesBackWithTheClick() throws {
        var card = Card(title: "RUN-1 · Replay", buttons: [Card.Button("Done", action: RunButton.doneID, value: "RUN-1@2")])
        card.noteField = Card.NoteField(id: RunButton.noteFieldID(runID: "RUN-1", step: 2), label: "Note (optional)", placeholder: "why")
        let blocks = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(CardRenderer.blocks(for: card))) as? [[String: Any]]
        let input = try #require(blocks?.first { $0["type"] as? String == "input" })
        #expect(input["block_id"] as? String == "run_note@RUN-1@2" && input["optional"] as? Bool == true)
        let element = try #require(input["element"] as? [String: Any])
        #expect(element["type"] as? String == "plain_text_input" && element["action_id"] as? String == "run_note@RUN-1@2")
        #expect(element["max_length"] as? Int == RunButton.noteLimit)
        #expect(blocks?.last?["type"] as? String == "actions", "the field sits above the buttons")

        let json = """
            {"type":"block_actions","user":{"id":"U0ALEX"},"channel":{"id":"C0INC"},
             "state":{"values":{"run_note@RUN-1@2":{"run_note@RUN-1@2":{"type":"plain_text_input","value":"  DLQ empty\\nalready  "}},
                                "other":{"x":{"type":"static_select","selected_option":{"value":"a"}}}}},
             "actions":[{"action_id":"run_done","type":"button","value":"RUN-1@2","action_ts":"1700.1"}]}
            """
        let click = try #require(try JSONDecoder().decode(InteractionPayload.self, from: Data(json.utf8)).clicks.first)
        #expect(click.fields == ["run_note@RUN-1@2": "  DLQ empty\nalready  "])
        #expect(RunButton(actionID: click.actionID, value: click.value, fields: click.fields) == .act(runID: "RUN-1", step: 2, .done(note: "DLQ empty already")))
        // A note typed for another step is not this step's; a huge one is cut.
        #expect(RunButton(actionID: RunButton.skipID, value: "RUN-1@3", fields: click.fields) == .act(runID: "RUN-1", step: 3, .skip(note: nil)))
        let huge = RunButton(actionID: RunButton.skipID, value: "RUN-1@2", fields: ["run_note@RUN-1@2": String(repeating: "x", count: 100_000)])
        guard case .act(_, _, .skip(let note?))? = huge else { Issue.record("the note is kept, cut"); return }
        #expect(note.count == RunButton.noteLimit)

        let broken = #"{"type":"block_actions","user":{"id":"U1"},"state":{"values":[1,2]},"actions":[{"action_id":"run_done","value":"RUN-1@2"}]}"#
        #expect(try JSONDecoder().decode(InteractionPayload.self, from: Data(broken.utf8)).clicks.map(\.fields) == [[:]])
    }

    @Test func socketModeEnvelopesCarryTypedPayloads() throws {
        let command = try #require(SocketModeEnvelope.decode("""
            {"envelope_id":"E1","type":"slash_commands","accepts_response_payload":true,
             "payload":{"command":"/runbook","text":"timeout","user_id":"U0ALEX","channel_id":"C0INC","is_enterprise_install":false}}
            """))
        guard case .slashCommand(let slash) = command.payload else {
            Issue.record("expected a slash command, got \(command.payload)")
            return
        }
        #expect(slash == SlashCommandPayload(command: "/runbook", text: "timeout", userID: "U0ALEX", channelID: "C0INC"))
        #expect(command.acceptsResponsePayload)

        let event = try #require(SocketModeEnvelope.decode("""
            {"envelope_id":"E2","type":"events_api","retry_attempt":1,"payload":{"type":"event_callback","event_id":"Ev1",
             "event":{"type":"app_mention","text":"<@U0BOT> timeout","ts":"1.1","channel":"C0INC"}}}
            """))
        guard case .event(let callback) = event.payload else {
            Issue.record("expected an event, got \(event.payload)")
            return
        }
        #expect(callback.eventID == "Ev1" && callback.event?.channel == "C0INC" && event.retryAttempt == 1)

        // A payload that cannot be read still leaves an envelope to acknowledge.
        let broken = try #require(SocketModeEnvelope.decode(#"{"envelope_id":"E3","type":"slash_commands","payload":{"text":"no command"}}"#))
        #expect(broken.envelopeID == "E3")
        guard case .other = broken.payload else {
            Issue.record("an unreadable payload is .other")
            return
        }
        #expect(SocketModeEnvelope.decode("[1,2]") == nil)
    }

    @Test func acknowledgementsEmbedTheReplyAsJSON() throws {
        let reply = try JSONEncoder().encode(SlackMessage(responseType: .ephemeral, text: "ok \"quoted\""))
        let ack = SocketModeEnvelope.acknowledgement("E\"1", payload: Array(reply))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(ack.utf8)) as? [String: Any])
        #expect(object["envelope_id"] as? String == "E\"1")
        #expect((object["payload"] as? [String: Any])?["text"] as? String == "ok \"quoted\"")
        #expect(SocketModeEnvelope.acknowledgement("E2", payload: nil) == #"{"envelope_id":"E2"}"#)
    }

    @Test func retryAfterIsReadAsDataNotAsAnOrder() {
        #expect(RetryAfter.parse("30") == .seconds(30))
        #expect(RetryAfter.parse(" 1.5 ") == .milliseconds(1500))
        #expect(RetryAfter.parse("0") == .seconds(1), "at least a second: no tight loop")
        #expect(RetryAfter.parse("86400") == .seconds(900), "at most 15 minutes: no queue blocked for a day")
        for absurd in ["inf", "-inf", "nan", "1e300", "-5", "soon", "", String(repeating: "9", count: 400), nil] as [String?] {
            let parsed = RetryAfter.parse(absurd)
            #expect(parsed == nil || parsed! <= .seconds(900), "\(absurd ?? "nil") → \(String(describing: parsed))")
        }
        #expect(RetryAfter.parse("inf") == nil && RetryAfter.parse("nan") == nil && RetryAfter.parse("-5") == nil)
    }

    @Test func mentionsRenderAsSlackMarkupAndUserTextIsEscaped() {
        let text: Card.Text = "\(strong: "INC-1") to \(mention: .user(id: "U0ALEX")), \(mention: .userGroup(id: "S0LEADS")) in \(mention: .channel(id: "C0INC")) and \(mention: .handle("charles")): <b>&</b>"
        #expect(SlackMarkup.render(text) == "*INC-1* to <@U0ALEX>, <!subteam^S0LEADS> in <#C0INC> and @charles: &lt;b&gt;&amp;&lt;/b&gt;")
        #expect(SlackMarkup.withoutMentions("<@U0BOT> Task timed out <#C1|x>") == "Task timed out <#C1|x>")
    }

    @Test func aPingPostsInTheThreadWithItsMentions() throws {
        let target = NotifyTarget(contactID: "lead", name: "Leads", chat: .userGroup(id: "S0LEADS"))
        let policy = PolicySnapshot(system: "fast", runsWhile: .unresolved, levels: [
            .init(level: 1, name: "On-call", afterSeconds: 0, targets: []),
            .init(level: 2, name: "Lead", afterSeconds: 60, targets: [target]),
        ])
        var incident = IncidentMachine.declare(
            .init(title: "lambda <timeout>", severity: .sev2, channel: "C0INC", declaredBy: "U0ALEX",
                  immediateActions: [ImmediateAction(text: "Check the logs", command: "aws logs tail x")], policy: policy),
            number: 1, at: Timestamp(milliseconds: 0)
        ).incident
        let times = TimeFormatter(timeZoneIdentifier: "UTC")
        let delivery = Delivery(.notifyLevel(level: 2, reason: .byHand(by: "U0SAM")), to: .incidentChannel)
        #expect(throws: SlackIncidentPosts.Problem.cardNotPosted) { try SlackIncidentPosts.post(for: delivery, incident: incident, times: times) }
        incident.threadTS = "1700.1"
        let post = try SlackIncidentPosts.post(for: delivery, incident: incident, times: times)
        #expect(post.method == .postMessage && post.channel == "C0INC" && post.threadTS == "1700.1" && post.broadcast)
        #expect(post.text == "🚨 *INC-1* escalated to *level 2 (Lead)*: escalated by hand by <@U0SAM>\n<!subteam^S0LEADS>\n*Immediate actions:*\n1. Check the logs\n```aws logs tail x```")

        let update = try SlackIncidentPosts.post(for: Delivery(.updateCard, to: .incidentChannel), incident: incident, times: times)
        #expect(update.method == .update && update.ts == "1700.1")
        #expect(update.text.contains("lambda &lt;timeout&gt;"))
        #expect(throws: SlackIncidentPosts.Problem.notForSlack) { try SlackIncidentPosts.post(for: Delivery(.pageTrigger, to: .pagerDuty), incident: incident, times: times) }
    }
}
