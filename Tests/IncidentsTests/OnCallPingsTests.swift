import Foundation
import Incidents
import RunbookModel
import TestSupport
import Testing

/// Pings that name a rotation reach whoever is on call when the ping is made. The
/// rotation hands over daily at 09:00 UTC, alice and bob in turn from 2026-05-01; the
/// fixtures' clock starts on 2026-05-28 at 20:26 UTC, in bob's shift.
struct OnCallPingsTests {
    static let library = try! OnCallRunbook.load().library
    static var rotation: Rotation { library.rotation("fast-oncall")! }

    static func declaration(_ severity: IncidentSeverity = .sev2, levelOneAfter: Int? = nil) -> IncidentMachine.Declaration {
        var policy = PolicySnapshot(runbook: library.runbook("fast")!)
        if let levelOneAfter { policy.levels[0].afterSeconds = levelOneAfter }
        return IncidentMachine.Declaration(title: "Invoices stuck", severity: severity, channel: "C1", declaredBy: "U9", policy: policy)
    }

    static func utc(_ text: String) -> Timestamp {
        let local = LocalDateTime(parsing: text)!
        return Timestamp(local.instant(in: TimeZone(identifier: "UTC")!))
    }

    @Test func levelOneNamesWhoeverIsOnCallWhenItIsReached() throws {
        let roster = OnCallRoster(library: Self.library)
        // Declared in bob's shift; level 1 is due 15 hours later, in alice's.
        let declared = IncidentMachine.declare(Self.declaration(levelOneAfter: 15 * 3_600), number: 1, at: Fixtures.start)
        #expect(!declared.effects.contains { if case .notifyLevel = $0 { true } else { false } })
        let due = try #require(EscalationPlanner.due(declared.incident, at: Fixtures.at(seconds: 15 * 3_600)))
        let resolved = OnCallPings.resolve(due, roster: roster, at: Fixtures.at(seconds: 15 * 3_600))
        guard case .notifyLevel(1, _, let answers?) = resolved.effects.first else { Issue.record("\(resolved.effects)"); return }
        #expect(answers.map { $0.onCall.map(\.contactID) } == [["alice"]])
        #expect(answers[0].until == Self.utc("2026-05-30 09:00"))
        #expect(resolved.timeline.contains {
            $0.kind == .escalated && $0.text == "level 1 (On-call): on call for Fast on-call: Alice (alice, U0ALICE)"
        })

        // The message mentions alice by her Slack id and says until when.
        let notice = IncidentNotice.notice(for: resolved.effects[0], incident: resolved.incident, place: .thread, times: TimeFormatter(timeZoneIdentifier: "UTC"))
        guard case .message(let text, _) = notice else { Issue.record("\(notice)"); return }
        #expect(text.spans.contains(.mention(.user(id: "U0ALICE"))))
        #expect(!text.spans.contains(.mention(.user(id: "U0BOB"))))
        #expect(text.description.contains("on call for Fast on-call until 2026-05-30 09:00"))
    }

    @Test func declaringReachesTheShiftRunningThen() {
        let transition = IncidentMachine.declare(Self.declaration(), number: 1, at: Fixtures.start)
        let resolved = OnCallPings.resolve(transition, roster: OnCallRoster(library: Self.library), at: Fixtures.start)
        #expect(resolved.effects.contains { $0 == .notifyLevel(level: 1, reason: .declared, onCall: [
            OnCallAnswer(
                rotationID: "fast-oncall", rotationName: "Fast on-call",
                onCall: [NotifyTarget(contact: Self.library.contact(anywhere: "bob")!)], until: Self.utc("2026-05-29 09:00")
            ),
        ]) })
    }

    @Test func theCriticalPathNamesThePersonPaged() {
        let transition = IncidentMachine.declare(Self.declaration(.critical), number: 1, at: Fixtures.start)
        var roster = OnCallRoster(library: Self.library)
        roster.external["platform-pd"] = .unavailable(reason: "connection refused")
        let resolved = OnCallPings.resolve(transition, roster: roster, at: Fixtures.start)
        guard let critical = resolved.effects.first(where: { if case .notifyCritical = $0 { true } else { false } }),
              case .notifyCritical(let answers?) = critical else { Issue.record("\(resolved.effects)"); return }
        #expect(answers.map(\.rotationID) == ["fast-oncall", "platform-pd"])
        #expect(answers[0].onCall.map(\.contactID) == ["bob"])
        #expect(answers[1].fallback.map(\.contactID) == ["carol"])
        #expect(resolved.timeline.filter { $0.kind == .paged }.count == 3)
        let notice = IncidentNotice.notice(for: critical, incident: resolved.incident, place: .thread, times: TimeFormatter(timeZoneIdentifier: "UTC"))
        guard case .message(let text, _) = notice else { Issue.record("\(notice)"); return }
        #expect(text.spans.contains(.mention(.user(id: "U0BOB"))))
        #expect(text.spans.contains(.mention(.user(id: "U0CAROL"))))
        #expect(text.description.contains("PagerDuty could not be asked (connection refused)"))
    }

    @Test func inAGapThePingSaysSoAndReachesEveryParticipant() throws {
        let later = OnCallRunbook.rotations.replacingOccurrences(of: "start: 2026-05-01", with: "start: 2026-07-01")
        let library = try OnCallRunbook.load(rotations: later).library
        let transition = IncidentMachine.declare(Self.declaration(), number: 1, at: Fixtures.start)
        let resolved = OnCallPings.resolve(transition, roster: OnCallRoster(library: library), at: Fixtures.start)
        guard case .notifyLevel(1, _, let answers?) = resolved.effects.last else { Issue.record("\(resolved.effects)"); return }
        #expect(answers[0].isGap)
        #expect(answers[0].fallback.map(\.contactID) == ["alice", "bob"])
        #expect(resolved.timeline.last?.text == "level 1 (On-call): nobody on call for Fast on-call; reached its participants: Alice (alice, U0ALICE), Bob (bob, U0BOB)")
        let notice = IncidentNotice.notice(for: resolved.effects.last!, incident: resolved.incident, place: .thread, times: TimeFormatter(timeZoneIdentifier: "UTC"))
        guard case .message(let text, _) = notice else { Issue.record("\(notice)"); return }
        #expect(text.description.contains("nobody is on call for Fast on-call, so its participants:"))
        #expect(text.spans.contains(.mention(.user(id: "U0ALICE"))) && text.spans.contains(.mention(.user(id: "U0BOB"))))
    }

    @Test func aRecordedOverrideSplitsAShiftAndWinsOverIt() {
        let override = OnCallOverride(
            id: 1, rotationID: "fast-oncall", contactID: "alice", from: Self.utc("2026-05-28 12:00"), until: Self.utc("2026-05-28 14:00"),
            reason: "swap", createdBy: "U0BOB", createdAt: Self.utc("2026-05-28 11:00")
        )
        let roster = OnCallRoster(library: Self.library, overrides: [override])
        let shifts = roster.schedule(Self.rotation)!.shifts(from: Self.utc("2026-05-28 09:00").date, to: Self.utc("2026-05-29 09:00").date)
        #expect(shifts.map(\.contact) == ["bob", "alice", "bob"])
        #expect(shifts.map { Timestamp($0.from) } == [Self.utc("2026-05-28 09:00"), Self.utc("2026-05-28 12:00"), Self.utc("2026-05-28 14:00")])
        #expect(shifts[1].isOverride)
        #expect(roster.answer(Self.rotation, at: Self.utc("2026-05-28 13:00")).onCall.map(\.contactID) == ["alice"])
        #expect(roster.answer(Self.rotation, at: Self.utc("2026-05-28 14:00")).onCall.map(\.contactID) == ["bob"])
        // Another rotation's override changes nothing here.
        var elsewhere = override
        elsewhere.rotationID = "other"
        #expect(OnCallRoster(library: Self.library, overrides: [elsewhere]).answer(Self.rotation, at: Self.utc("2026-05-28 13:00")).onCall.map(\.contactID) == ["bob"])
    }

    @Test func aRotationOfOneIsAlwaysThatPerson() throws {
        let one = OnCallRunbook.rotations.replacingOccurrences(of: "participants: [alice, bob]", with: "participants: [alice]")
        let library = try OnCallRunbook.load(rotations: one).library
        let schedule = RotationSchedule(library.rotation("fast-oncall")!)!
        let week = schedule.shifts(from: Self.utc("2026-05-28 00:00").date, to: Self.utc("2026-06-04 00:00").date)
        #expect(Set(week.map(\.contact)) == ["alice"])
        #expect(week.count == 8)
        #expect(schedule.next(after: Self.utc("2026-05-28 10:00").date)?.contact == "alice")
        #expect(OnCallRoster(library: library).answer(library.rotation("fast-oncall")!, at: Fixtures.start).onCall.map(\.contactID) == ["alice"])
    }

    @Test func pagerDutyPeopleAreMatchedToContactsByEmail() {
        var roster = OnCallRoster(library: Self.library)
        let rotation = Self.library.rotation("platform-pd")!
        roster.external["platform-pd"] = .onCall([ExternalPerson(name: "Carol C.", email: "carol@EXAMPLE.com")], until: Self.utc("2026-05-29 00:00"))
        #expect(roster.answer(rotation, at: Fixtures.start).onCall == [NotifyTarget(contact: Self.library.contact(anywhere: "carol")!)])
        // Someone PagerDuty knows but no runbook does is named with their email.
        roster.external["platform-pd"] = .onCall([ExternalPerson(name: "Dan", email: "dan@example.com")], until: nil)
        #expect(roster.answer(rotation, at: Fixtures.start).onCall == [NotifyTarget(contactID: "dan@example.com", name: "Dan", email: "dan@example.com")])
        roster.external["platform-pd"] = .unavailable(reason: "HTTP 503")
        let fallback = roster.answer(rotation, at: Fixtures.start)
        #expect(fallback.isGap && fallback.fallback.map(\.contactID) == ["carol"])
        #expect(fallback.note?.contains("HTTP 503") == true)
    }
}
