import Foundation
import RunbookModel
import TestSupport
import Testing

/// The calendar a rotation publishes reads back, with a strict parser, as one event per
/// shift at the right UTC instants, across clock changes.
struct ICalendarTests {
    typealias F = OnCallFixtures

    static let stamp = F.utc("2026-03-01 12:00")

    static func rotation(_ zone: String, participants: [String] = ["alice", "bob"], overrides: [RotationOverride] = []) -> Rotation {
        Rotation(
            id: "invoice-oncall", name: "Invoice pipeline on-call", timeZone: F.zone(zone),
            source: .plan(ShiftPlan(
                shiftLength: .weeks(1), handoff: HandoffTime(hour: 9, minute: 0, weekday: .monday)!,
                start: F.date("2026-01-05"), participants: participants, overrides: overrides
            ))
        )
    }

    static func render(_ rotation: Rotation, from: String, to: String, names: [String: String] = ["alice": "Alice", "bob": "Bob"]) throws -> (String, ICalendarParser.Component) {
        let schedule = try #require(RotationSchedule(rotation))
        let text = ICalendar.render(schedule.shifts(from: F.utc(from), to: F.utc(to)), of: rotation, names: names, stamp: stamp)
        return (text, try ICalendarParser.parse(text))
    }

    struct ZoneChanges: Sendable, CustomTestStringConvertible {
        let zone: String
        /// DTSTART of consecutive Monday 09:00 handoffs across a spring and an autumn change.
        let starts: [String]
        var testDescription: String { zone }
    }

    @Test(arguments: [
        ZoneChanges(zone: "Europe/London", starts: [
            "20260323T090000Z", "20260330T080000Z", "20261019T080000Z", "20261026T090000Z",
            "20270322T090000Z", "20270329T080000Z", "20271025T080000Z", "20271101T090000Z",
        ]),
        ZoneChanges(zone: "America/New_York", starts: [
            "20260302T140000Z", "20260309T130000Z", "20261026T130000Z", "20261102T140000Z",
            "20270308T140000Z", "20270315T130000Z", "20271101T130000Z", "20271108T140000Z",
        ]),
        ZoneChanges(zone: "Australia/Sydney", starts: [
            "20260329T220000Z", "20260405T230000Z", "20260927T230000Z", "20261004T220000Z",
            "20270328T220000Z", "20270404T230000Z", "20270926T230000Z", "20271003T220000Z",
        ]),
    ])
    func handoffsAcrossClockChangesReadBackInUTC(changes: ZoneChanges) throws {
        let (_, calendar) = try Self.render(Self.rotation(changes.zone), from: "2026-01-01 00:00", to: "2028-01-01 00:00")
        let events = calendar.children.filter { $0.name == "VEVENT" }
        #expect(events.count == 104)
        let starts = events.compactMap { $0.raw("DTSTART") }
        for start in changes.starts {
            #expect(starts.contains(start), "\(start)")
        }
        // Each event ends where the next begins, and lasts 167, 168 or 169 hours.
        for (event, next) in zip(events, events.dropFirst()) {
            let start = try ICalendarParser.utcInstant(try #require(event.raw("DTSTART")))
            let end = try ICalendarParser.utcInstant(try #require(event.raw("DTEND")))
            #expect(event.raw("DTEND") == next.raw("DTSTART"))
            #expect([167.0, 168, 169].contains(end.timeIntervalSince(start) / 3_600))
        }
        #expect(events.map { $0.value("SUMMARY") }.prefix(3) == ["Alice", "Bob", "Alice"])
    }

    @Test func documentHasTheRequiredPropertiesAndStableUIDs() throws {
        let rotation = Self.rotation("Europe/London")
        let (text, calendar) = try Self.render(rotation, from: "2026-03-23 12:00", to: "2026-04-06 00:00")
        #expect(calendar.value("VERSION") == "2.0")
        #expect(calendar.value("PRODID") != nil)
        #expect(calendar.value("X-WR-CALNAME") == "Invoice pipeline on-call")
        let events = calendar.children
        #expect(events.map { $0.raw("UID") } == [
            "invoice-oncall-20260323T090000Z@runbook-bot", "invoice-oncall-20260330T080000Z@runbook-bot",
        ])
        #expect(events.allSatisfy { $0.raw("DTSTAMP") == "20260301T120000Z" })
        #expect(events.map { $0.raw("DTEND") } == ["20260330T080000Z", "20260406T080000Z"])
        // The same shifts render the same text, so subscribers see no churn.
        let (again, _) = try Self.render(rotation, from: "2026-03-23 12:00", to: "2026-04-06 00:00")
        #expect(again == text)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
    }

    @Test func overrideIsItsOwnEventAndSplitsTheShift() throws {
        let rotation = Self.rotation("Europe/London", overrides: [F.override("carol", from: "2026-04-01 12:00", to: "2026-04-02 12:00")])
        let (_, calendar) = try Self.render(
            rotation, from: "2026-03-30 08:00", to: "2026-04-06 08:00", names: ["alice": "Alice", "carol": "Carol"]
        )
        let events = calendar.children
        #expect(events.map { $0.value("SUMMARY") } == ["Alice", "Carol", "Alice"])
        #expect(events.map { $0.raw("DTSTART") } == ["20260330T080000Z", "20260401T110000Z", "20260402T110000Z"])
        #expect(events[1].value("DESCRIPTION") == "Invoice pipeline on-call: on call (override)")
        #expect(Set(events.compactMap { $0.raw("UID") }).count == 3)
    }

    @Test func oneParticipantGetsAnEventPerShift() throws {
        let (_, calendar) = try Self.render(Self.rotation("America/New_York", participants: ["alice"]), from: "2026-03-02 14:00", to: "2026-03-16 00:00")
        #expect(calendar.children.map { $0.value("SUMMARY") } == ["Alice", "Alice"])
        #expect(calendar.children.map { $0.raw("DTSTART") } == ["20260302T140000Z", "20260309T130000Z"])
    }

    @Test func textIsEscapedAndReadsBack() throws {
        let name = "Smith, Jane; \"ops\" \\ team\nsecond line\r\nthird"
        let (text, calendar) = try Self.render(Self.rotation("UTC"), from: "2026-03-02 10:00", to: "2026-03-02 11:00", names: ["alice": name])
        let event = try #require(calendar.children.first)
        #expect(event.raw("SUMMARY") == #"Smith\, Jane\; "ops" \\ team\nsecond line\nthird"#)
        #expect(event.value("SUMMARY") == "Smith, Jane; \"ops\" \\ team\nsecond line\nthird")
        #expect(!text.contains("Jane;"))
    }

    @Test func longLinesFoldAt75OctetsWithoutSplittingCharacters() throws {
        // Two- and four-byte characters, so a naive cut at 75 bytes would land inside one.
        let name = String(repeating: "Zoë Ångström 🌍 ", count: 12)
        let (text, calendar) = try Self.render(Self.rotation("UTC"), from: "2026-03-02 10:00", to: "2026-03-02 11:00", names: ["alice": name])
        let physical = text.components(separatedBy: "\r\n").dropLast()
        #expect(physical.allSatisfy { $0.utf8.count <= 75 })
        #expect(physical.contains { $0.hasPrefix(" ") })
        #expect(calendar.children.first?.value("SUMMARY") == name)
    }

    @Test func asciiLinesFillEachFoldedLine() throws {
        let name = String(repeating: "x", count: 152)
        let (text, _) = try Self.render(Self.rotation("UTC"), from: "2026-03-02 10:00", to: "2026-03-02 11:00", names: ["alice": name])
        let summary = text.components(separatedBy: "\r\n").drop { !$0.hasPrefix("SUMMARY:") }.prefix(3)
        // "SUMMARY:" and 152 x's are 160 octets: 75, then a space and 74, then a space and 11.
        #expect(summary.map(\.utf8.count) == [75, 75, 12])
    }
}
