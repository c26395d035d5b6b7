import Foundation
@testable import Incidents
import RunbookModel
import TestSupport
import Testing

/// A step escalation to a contact that names a rotation reaches whoever is on call when
/// the step is escalated, as a level's ping does: the delivery carries the answer, the
/// timeline records it, and the thread's message mentions that person. The fixtures'
/// rotation hands over daily at 09:00 UTC, alice and bob in turn; 15 hours after the
/// fixtures' start it is alice's shift.
struct RunOnCallTests {
    static let library = OnCallPingsTests.library

    static let procedure = Procedure(
        id: "replay", title: "Replay the backlog",
        steps: [
            ProcedureStep(title: "Replay in small batches", escalation: StepEscalation(condition: "depth grows", contact: "oncall")),
            ProcedureStep(title: "Tell finance"),
        ]
    )

    @Test func aStepEscalationNamesWhoeverIsOnCallWhenItIsEscalated() throws {
        var run = RunMachine.start(Self.procedure, system: "fast", kind: .incident, incidentID: "INC-1",
                                   channel: "C1", number: 1, by: "U9", at: Fixtures.start).run
        run.steps[0].escalateTarget = Self.library.runbook("fast")?.contact("oncall").map(NotifyTarget.init(contact:))
        let at = Fixtures.at(seconds: 15 * 3_600)
        let escalated = try RunMachine.apply(.escalate, to: run, by: "U9", at: at)

        let change = RunDesk.change(escalated, actor: "U9", at: at, roster: OnCallRoster(library: Self.library))
        let ping = try #require(change.deliveries.first { if case .ping = $0 { true } else { false } })
        guard case .ping(_, 1, let answer?) = ping else {
            Issue.record("the ping carries no on-call answer: \(ping)")
            return
        }
        #expect(answer.onCall.map(\.contactID) == ["alice"])
        #expect(change.timeline.contains { $0.text == "RUN-1 step 1: on call for Fast on-call: Alice (alice, U0ALICE)" })

        let notice = RunMessages.notice(for: ping, run: escalated.run, now: at, times: TimeFormatter(timeZoneIdentifier: "UTC"))
        guard case .text(let text) = notice else {
            Issue.record("\(String(describing: notice))")
            return
        }
        #expect(text.spans.contains(.mention(.user(id: "U0ALICE"))))
        #expect(!text.spans.contains(.mention(.user(id: "U0BOB"))))
    }

    @Test func withoutARosterTheContactIsReachedAsWritten() throws {
        var run = RunMachine.start(Self.procedure, system: "fast", kind: .incident, incidentID: "INC-1",
                                   channel: "C1", number: 1, by: "U9", at: Fixtures.start).run
        run.steps[0].escalateTarget = Self.library.runbook("fast")?.contact("oncall").map(NotifyTarget.init(contact:))
        let escalated = try RunMachine.apply(.escalate, to: run, by: "U9", at: Fixtures.start)
        let change = RunDesk.change(escalated, actor: "U9", at: Fixtures.start)
        #expect(change.deliveries.contains { if case .ping(_, 1, nil) = $0 { true } else { false } })
    }
}
