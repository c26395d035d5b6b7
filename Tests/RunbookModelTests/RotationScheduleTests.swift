import Foundation
import RunbookModel
import Testing

/// Who is on call when: overrides cut into the plan, one person can be a rotation, and
/// before a rotation starts nobody is on call and its participants are reached instead.
struct RotationScheduleTests {
    typealias F = OnCallFixtures

    // Weekly Monday 09:00 London from 2026-01-05, alice then bob: alice has the week of
    // 30 March (09:00 BST = 08:00Z), bob the week of 6 April.

    @Test func overrideSplitsAShiftInThree() throws {
        let schedule = F.weeklyMonday("Europe/London", overrides: [
            F.override("carol", from: "2026-04-01 12:00", to: "2026-04-02 12:00"),
        ])
        let shifts = schedule.shifts(from: F.utc("2026-03-30 08:00"), to: F.utc("2026-04-06 08:00"))
        #expect(shifts == [
            Shift(contact: "alice", from: F.utc("2026-03-30 08:00"), until: F.utc("2026-04-01 11:00")),
            Shift(contact: "carol", from: F.utc("2026-04-01 11:00"), until: F.utc("2026-04-02 11:00"), isOverride: true),
            Shift(contact: "alice", from: F.utc("2026-04-02 11:00"), until: F.utc("2026-04-06 08:00")),
        ])
        #expect(schedule.shift(at: F.utc("2026-04-03 00:00")) == shifts[2])
        #expect(schedule.shift(at: F.utc("2026-04-01 10:59")) == shifts[0])
        #expect(schedule.shift(at: F.utc("2026-04-01 11:00")) == shifts[1])
        #expect(schedule.next(after: F.utc("2026-03-31 00:00")) == shifts[1])
        #expect(schedule.next(after: F.utc("2026-04-01 12:00")) == shifts[2])
        #expect(schedule.next(after: F.utc("2026-04-03 00:00"))?.contact == "bob")
    }

    @Test func overrideAcrossAHandoffIsOneShift() throws {
        let schedule = F.weeklyMonday("Europe/London", overrides: [
            F.override("dave", from: "2026-04-05 12:00", to: "2026-04-07 12:00"),
        ])
        let shifts = schedule.shifts(from: F.utc("2026-04-04 00:00"), to: F.utc("2026-04-08 00:00"))
        #expect(shifts.map(\.contact) == ["alice", "dave", "bob"])
        #expect(shifts[1] == Shift(contact: "dave", from: F.utc("2026-04-05 11:00"), until: F.utc("2026-04-07 11:00"), isOverride: true))
        #expect(shifts[2].from == F.utc("2026-04-07 11:00"))
        #expect(shifts[2].until == F.utc("2026-04-13 08:00"))
    }

    @Test func laterOverrideWinsWhereTwoOverlap() {
        let schedule = F.weeklyMonday("Europe/London", overrides: [
            F.override("erin", from: "2026-04-14 09:00", to: "2026-04-16 09:00"),
            F.override("frank", from: "2026-04-15 09:00", to: "2026-04-15 18:00"),
        ])
        let shifts = schedule.shifts(from: F.utc("2026-04-14 00:00"), to: F.utc("2026-04-17 00:00"))
        #expect(shifts.map(\.contact) == ["alice", "erin", "frank", "erin", "alice"])
        // The earlier override is cut by the later one even when asked about a time outside it.
        #expect(schedule.shift(at: F.utc("2026-04-15 20:00")) == Shift(
            contact: "erin", from: F.utc("2026-04-15 17:00"), until: F.utc("2026-04-16 08:00"), isOverride: true
        ))
    }

    @Test func overrideOfTheSamePersonStillShowsAsOverride() {
        let schedule = F.weeklyMonday("Europe/London", overrides: [
            F.override("alice", from: "2026-04-01 12:00", to: "2026-04-02 12:00"),
        ])
        let shifts = schedule.shifts(from: F.utc("2026-03-30 08:00"), to: F.utc("2026-04-06 08:00"))
        #expect(shifts.map(\.contact) == ["alice", "alice", "alice"])
        #expect(shifts.map(\.isOverride) == [false, true, false])
    }

    @Test func oneParticipantRotationHasAShiftPerWeek() throws {
        let schedule = F.weeklyMonday("America/New_York", participants: ["alice"])
        let shifts = schedule.shifts(from: F.utc("2026-03-02 14:00"), to: F.utc("2026-03-23 00:00"))
        #expect(shifts.map(\.contact) == ["alice", "alice", "alice"])
        #expect(shifts.map(\.from) == [F.utc("2026-03-02 14:00"), F.utc("2026-03-09 13:00"), F.utc("2026-03-16 13:00")])
        let now = F.utc("2026-03-10 00:00")
        #expect(schedule.shift(at: now) == shifts[1])
        #expect(schedule.status(at: now) == .onCall(shifts[1]))
        #expect(schedule.next(after: now) == shifts[2])
    }

    @Test func beforeTheStartNobodyIsOnCallAndParticipantsAreReached() throws {
        let schedule = F.schedule(
            "Europe/London", shift: .weeks(1), handoff: "09:00", weekday: .monday, start: "2026-06-01",
            participants: ["alice", "bob", "alice"],
            overrides: [F.override("carol", from: "2026-05-25 09:00", to: "2026-05-26 09:00")]
        )
        let early = F.utc("2026-05-20 12:00")
        #expect(schedule.shift(at: early) == nil)
        #expect(schedule.status(at: early) == .gap(fallback: ["alice", "bob"]))
        #expect(schedule.status(at: early).contacts == ["alice", "bob"])
        // The override is the first thing to start; after it, the gap resumes until the first handoff.
        let cover = Shift(contact: "carol", from: F.utc("2026-05-25 08:00"), until: F.utc("2026-05-26 08:00"), isOverride: true)
        #expect(schedule.next(after: early) == cover)
        #expect(schedule.status(at: F.utc("2026-05-25 12:00")) == .onCall(cover))
        #expect(schedule.shift(at: F.utc("2026-05-27 12:00")) == nil)
        let first = try #require(schedule.next(after: F.utc("2026-05-25 12:00")))
        #expect(first == Shift(contact: "alice", from: F.utc("2026-06-01 08:00"), until: F.utc("2026-06-08 08:00")))
        #expect(schedule.shifts(from: early, to: F.utc("2026-06-02 00:00")) == [cover, first])
    }

    @Test func participantsTakeTurnsInOrderWithRepeats() {
        let schedule = F.schedule(
            "UTC", shift: .days(2), handoff: "00:00", start: "2026-01-01", participants: ["alice", "bob", "alice", "carol"]
        )
        let shifts = schedule.shifts(from: F.utc("2026-01-01 00:00"), to: F.utc("2026-01-11 00:00"))
        #expect(shifts.map(\.contact) == ["alice", "bob", "alice", "carol", "alice"])
        #expect(shifts.allSatisfy { $0.until.timeIntervalSince($0.from) == 2 * 86_400 })
    }

    @Test func longWindowsAreBounded() {
        let schedule = F.schedule("UTC", shift: .hours(1), handoff: "00:00", start: "2026-01-01", participants: ["a", "b"])
        let shifts = schedule.shifts(from: F.utc("2026-01-01 00:00"), to: F.utc("2036-01-01 00:00"), limit: 50)
        #expect(shifts.count == 50)
        // Far from the start, the shift is still found directly.
        let far = F.utc("2035-06-01 10:30")
        #expect(schedule.shift(at: far)?.from == F.utc("2035-06-01 10:00"))
    }

    @Test func pagerDutyRotationsHaveNoScheduleHere() {
        let rotation = Rotation(id: "platform", name: "Platform", timeZone: F.zone("UTC"), source: .pagerDuty(scheduleID: "PABC123"))
        #expect(RotationSchedule(rotation) == nil)
        #expect(rotation.pagerDutySchedule == "PABC123")
    }
}
