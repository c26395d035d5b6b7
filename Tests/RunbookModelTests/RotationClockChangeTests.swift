import Foundation
import RunbookModel
import Testing

/// Handoffs keep their local time across clock changes, in three zones, through the 2026
/// and 2027 changes. The expected instants are written out in UTC from the published rules:
/// London changes on the last Sundays of March and October at 01:00 UTC; New York on the
/// second Sunday of March and the first Sunday of November at 02:00 local; Sydney goes back
/// on the first Sunday of April and forward on the first Sunday of October.
struct RotationClockChangeTests {
    typealias F = OnCallFixtures

    /// Two consecutive Monday 09:00 handoffs, one each side of a clock change.
    struct WeeklyChange: Sendable, CustomTestStringConvertible {
        let zone: String
        let before: String
        let after: String
        /// Hours in the shift that spans the change: 167 (spring) or 169 (autumn).
        let hours: Double
        var testDescription: String { "\(zone) \(before)Z → \(after)Z" }
    }

    static let weeklyChanges: [WeeklyChange] = [
        // Europe/London: 09:00 GMT = 09:00Z in winter, 09:00 BST = 08:00Z in summer.
        .init(zone: "Europe/London", before: "2026-03-23 09:00", after: "2026-03-30 08:00", hours: 167),
        .init(zone: "Europe/London", before: "2026-10-19 08:00", after: "2026-10-26 09:00", hours: 169),
        .init(zone: "Europe/London", before: "2027-03-22 09:00", after: "2027-03-29 08:00", hours: 167),
        .init(zone: "Europe/London", before: "2027-10-25 08:00", after: "2027-11-01 09:00", hours: 169),
        // America/New_York: 09:00 EST = 14:00Z, 09:00 EDT = 13:00Z.
        .init(zone: "America/New_York", before: "2026-03-02 14:00", after: "2026-03-09 13:00", hours: 167),
        .init(zone: "America/New_York", before: "2026-10-26 13:00", after: "2026-11-02 14:00", hours: 169),
        .init(zone: "America/New_York", before: "2027-03-08 14:00", after: "2027-03-15 13:00", hours: 167),
        .init(zone: "America/New_York", before: "2027-11-01 13:00", after: "2027-11-08 14:00", hours: 169),
        // Australia/Sydney: Monday 09:00 AEDT (+11) = Sunday 22:00Z, 09:00 AEST (+10) = Sunday 23:00Z.
        .init(zone: "Australia/Sydney", before: "2026-03-29 22:00", after: "2026-04-05 23:00", hours: 169),
        .init(zone: "Australia/Sydney", before: "2026-09-27 23:00", after: "2026-10-04 22:00", hours: 167),
        .init(zone: "Australia/Sydney", before: "2027-03-28 22:00", after: "2027-04-04 23:00", hours: 169),
        .init(zone: "Australia/Sydney", before: "2027-09-26 23:00", after: "2027-10-03 22:00", hours: 167),
    ]

    @Test(arguments: weeklyChanges)
    func weeklyHandoffKeepsItsLocalTime(change: WeeklyChange) throws {
        let schedule = F.weeklyMonday(change.zone)
        let before = F.utc(change.before)
        let after = F.utc(change.after)
        let spanning = try #require(schedule.shift(at: before.addingTimeInterval(3_600)))
        #expect(spanning.from == before)
        #expect(spanning.until == after)
        #expect(spanning.until.timeIntervalSince(spanning.from) == change.hours * 3_600)
        let next = try #require(schedule.next(after: before))
        #expect(next.from == after)
        #expect(next.contact != spanning.contact)
        #expect(F.wallClock(after, in: change.zone).hasSuffix(" 09:00"))
        #expect(schedule.shifts(from: before, to: after.addingTimeInterval(1)).map(\.from) == [before, after])
    }

    @Test(arguments: ["Europe/London", "America/New_York", "Australia/Sydney"])
    func everyWeeklyHandoffIsMonday0900LocalForTwoYears(zone: String) {
        let schedule = F.weeklyMonday(zone)
        let shifts = schedule.shifts(from: F.utc("2026-01-05 12:00"), to: F.utc("2028-01-01 00:00"))
        #expect(shifts.count == 104)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = F.zone(zone)
        for shift in shifts {
            let parts = calendar.dateComponents([.weekday, .hour, .minute], from: shift.from)
            #expect(parts.weekday == 2 && parts.hour == 9 && parts.minute == 0, "\(shift.from)")
            #expect([167, 168, 169].contains(shift.until.timeIntervalSince(shift.from) / 3_600))
        }
        // Two clock changes a year: four shifts are not 168 hours long.
        #expect(shifts.filter { $0.until.timeIntervalSince($0.from) != 168 * 3_600 }.count == 4)
        #expect(zip(shifts, shifts.dropFirst()).allSatisfy { $0.until == $1.from && $0.contact != $1.contact })
    }

    /// A local time and the instant a handoff at that time resolves to.
    struct LocalTime: Sendable, CustomTestStringConvertible {
        let zone: String
        let local: String
        let utc: String
        var testDescription: String { "\(zone) \(local) → \(utc)Z" }
    }

    /// Spring forward: the local time does not exist; the handoff is at the first instant
    /// after the gap, when the clocks read the end of the gap.
    static let gaps: [LocalTime] = [
        .init(zone: "America/New_York", local: "2026-03-08 02:30", utc: "2026-03-08 07:00"),
        .init(zone: "America/New_York", local: "2027-03-14 02:30", utc: "2027-03-14 07:00"),
        .init(zone: "Europe/London", local: "2026-03-29 01:30", utc: "2026-03-29 01:00"),
        .init(zone: "Europe/London", local: "2027-03-28 01:30", utc: "2027-03-28 01:00"),
        .init(zone: "Australia/Sydney", local: "2026-10-04 02:30", utc: "2026-10-03 16:00"),
        .init(zone: "Australia/Sydney", local: "2027-10-03 02:30", utc: "2027-10-02 16:00"),
    ]

    /// Fall back: the local time happens twice; the handoff is at the first.
    static let overlaps: [LocalTime] = [
        .init(zone: "America/New_York", local: "2026-11-01 01:30", utc: "2026-11-01 05:30"),
        .init(zone: "America/New_York", local: "2027-11-07 01:30", utc: "2027-11-07 05:30"),
        .init(zone: "Europe/London", local: "2026-10-25 01:30", utc: "2026-10-25 00:30"),
        .init(zone: "Europe/London", local: "2027-10-31 01:30", utc: "2027-10-31 00:30"),
        .init(zone: "Australia/Sydney", local: "2026-04-05 02:30", utc: "2026-04-04 15:30"),
        .init(zone: "Australia/Sydney", local: "2027-04-04 02:30", utc: "2027-04-03 15:30"),
    ]

    @Test(arguments: gaps)
    func handoffInTheGapHappensWhenTheGapEnds(gap: LocalTime) throws {
        let expected = F.utc(gap.utc)
        #expect(F.local(gap.local).instant(in: F.zone(gap.zone)) == expected)
        // The end of the gap reads as the hour after it: 03:00 for a 02:00–03:00 gap.
        let gapEnd = gap.zone == "Europe/London" ? "02:00" : "03:00"
        #expect(F.wallClock(expected, in: gap.zone) == "\(gap.local.prefix(10)) \(gapEnd)")
        try expectDailyHandoff(at: gap, lands: expected)
    }

    @Test(arguments: overlaps)
    func handoffAtARepeatedTimeHappensAtTheFirst(overlap: LocalTime) throws {
        let expected = F.utc(overlap.utc)
        #expect(F.local(overlap.local).instant(in: F.zone(overlap.zone)) == expected)
        try expectDailyHandoff(at: overlap, lands: expected)
        // An hour later the same wall-clock time comes round again; it is not a handoff.
        let schedule = daily(at: overlap)
        #expect(schedule.shift(at: expected.addingTimeInterval(3_600))?.from == expected)
        #expect(F.wallClock(expected.addingTimeInterval(3_600), in: overlap.zone) == overlap.local)
    }

    private func daily(at time: LocalTime) -> RotationSchedule {
        let day = F.date(String(time.local.prefix(10)))
        return F.schedule(
            time.zone, shift: .days(1), handoff: String(time.local.suffix(5)),
            start: day.adding(days: -3).description, participants: ["alice", "bob", "carol"]
        )
    }

    /// A daily rotation handing off at that local time hands off at `expected` that day.
    private func expectDailyHandoff(at time: LocalTime, lands expected: Date) throws {
        let schedule = daily(at: time)
        let shift = try #require(schedule.shift(at: expected))
        #expect(shift.from == expected)
        let previous = try #require(schedule.shift(at: expected.addingTimeInterval(-1)))
        #expect(previous.until == expected)
        #expect(previous.contact != shift.contact)
    }

    @Test func springForwardHandoffAt0230InNewYork() throws {
        let schedule = F.schedule(
            "America/New_York", shift: .days(1), handoff: "02:30", start: "2026-03-06", participants: ["alice", "bob"]
        )
        let shifts = schedule.shifts(from: F.utc("2026-03-07 12:00"), to: F.utc("2026-03-09 12:00"))
        // 02:30 EST = 07:30Z; on the 8th 02:30 does not exist, so 03:00 EDT = 07:00Z; then 02:30 EDT = 06:30Z.
        #expect(shifts.map(\.from) == [F.utc("2026-03-07 07:30"), F.utc("2026-03-08 07:00"), F.utc("2026-03-09 06:30")])
        #expect(shifts.map { $0.until.timeIntervalSince($0.from) / 3_600 }.prefix(2) == [23.5, 23.5])
        #expect(shifts.map(\.contact) == ["bob", "alice", "bob"])
    }

    @Test func fallBackHandoffAt0130InNewYork() throws {
        let schedule = F.schedule(
            "America/New_York", shift: .days(1), handoff: "01:30", start: "2026-10-30", participants: ["alice", "bob"]
        )
        let shifts = schedule.shifts(from: F.utc("2026-10-31 12:00"), to: F.utc("2026-11-02 12:00"))
        // 01:30 EDT = 05:30Z; on 1 November 01:30 happens twice: the first (EDT) is taken; then 01:30 EST = 06:30Z.
        #expect(shifts.map(\.from) == [F.utc("2026-10-31 05:30"), F.utc("2026-11-01 05:30"), F.utc("2026-11-02 06:30")])
        #expect(shifts.map { $0.until.timeIntervalSince($0.from) / 3_600 }.prefix(2) == [24, 25])
    }

    @Test func followTheSunSlotsKeepTheirLocalTimes() {
        // 8-hour shifts from 09:00 London: 09:00, 17:00 and 01:00 local, each person the same slot every day.
        let schedule = F.schedule(
            "Europe/London", shift: .hours(8), handoff: "09:00", start: "2026-03-27", participants: ["london", "new-york", "sydney"]
        )
        let shifts = schedule.shifts(from: F.utc("2026-03-28 09:00"), to: F.utc("2026-03-30 00:00"))
        #expect(shifts.map(\.from) == [
            F.utc("2026-03-28 09:00"), F.utc("2026-03-28 17:00"),
            // 01:00 on the 29th is the start of London's gap: the first instant after it is 02:00 BST = 01:00Z.
            F.utc("2026-03-29 01:00"),
            F.utc("2026-03-29 08:00"), F.utc("2026-03-29 16:00"),
        ])
        #expect(shifts.map(\.contact) == ["london", "new-york", "sydney", "london", "new-york"])
        // The night shift spans the change and is an hour shorter.
        #expect(shifts.map { $0.until.timeIntervalSince($0.from) / 3_600 } == [8, 8, 7, 8, 8])
    }

    @Test func anHourlySlotInsideTheGapDoesNotHappen() {
        let schedule = F.schedule(
            "Europe/London", shift: .hours(1), handoff: "00:00", start: "2026-03-29", participants: ["a", "b", "c"]
        )
        let shifts = schedule.shifts(from: F.utc("2026-03-29 00:00"), to: F.utc("2026-03-29 03:00"))
        // Slots 00:00 (a), 01:00 (b: does not exist that day), 02:00 BST (c), 03:00 BST (a).
        #expect(shifts.map(\.contact) == ["a", "c", "a"])
        #expect(shifts.map(\.from) == [F.utc("2026-03-29 00:00"), F.utc("2026-03-29 01:00"), F.utc("2026-03-29 02:00")])
    }
}
