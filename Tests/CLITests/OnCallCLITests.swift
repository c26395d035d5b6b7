import Foundation
import Incidents
import Storage
import TestSupport
import Testing

/// `runbook-bot oncall export|preview` on the sample rotation: weekly, Monday 09:00
/// Europe/London, Charles and the DevOps team in turn from 2026-04-20.
@Suite(.serialized)
struct OnCallCLITests {
    @Test func exportIsACalendarWithHandoffsAtTheRightUTCInstantsAcrossClockChanges() throws {
        // Spring: the UK moves to summer time on 2026-03-29.
        let spring = try CLITests.run(["oncall", "export", "invoice-oncall", "--from", "2026-04-20", "--days", "14", "--config", CLITests.sampleConfig])
        #expect(spring.status == 0, "\(spring.errors)")
        let springEvents = try ICalendarParser.parse(spring.output).children
        #expect(springEvents.map { $0.raw("DTSTART") } == ["20260420T080000Z", "20260427T080000Z"])
        #expect(springEvents.map { $0.value("SUMMARY") } == ["Charles", "DevOps team"])

        // Autumn: back to GMT on 2026-10-25; the shift across it is 169 hours long. Shifts
        // are whole: the one running at midnight of --from starts the calendar.
        let autumn = try CLITests.run(["oncall", "export", "invoice-oncall", "--from", "2026-10-19", "--days", "14", "--config", CLITests.sampleConfig])
        #expect(autumn.status == 0, "\(autumn.errors)")
        let all = try ICalendarParser.parse(autumn.output).children
        #expect(all.first?.raw("DTSTART") == "20261012T080000Z")
        let events = Array(all.dropFirst())
        #expect(events.map { $0.raw("DTSTART") } == ["20261019T080000Z", "20261026T090000Z"])
        #expect(events.map { $0.raw("DTEND") } == ["20261026T090000Z", "20261102T090000Z"])
        let first = try ICalendarParser.utcInstant(try #require(events.first?.raw("DTSTART")))
        let firstEnd = try ICalendarParser.utcInstant(try #require(events.first?.raw("DTEND")))
        #expect(firstEnd.timeIntervalSince(first) == 169 * 3_600)
        // Stable: the same command prints the same events (DTSTAMP aside).
        let again = try CLITests.run(["oncall", "export", "invoice-oncall", "--from", "2026-10-19", "--days", "14", "--config", CLITests.sampleConfig])
        #expect(try ICalendarParser.parse(again.output).children.map { $0.raw("UID") } == all.map { $0.raw("UID") })
        #expect(events.first?.raw("UID") == "invoice-oncall-20261019T080000Z@runbook-bot")
    }

    /// The calendar is the one people subscribe to: it shows the swaps recorded with
    /// `/oncall override`, read from the bot's data, as the served `.ics` does.
    @Test func exportIncludesTheOverridesRecordedFromChat() async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = directory + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let store = try SQLiteIncidentStore(path: data + "/incidents.sqlite", clock: SystemClock())
        let from = try ICalendarParser.utcInstant("20260421T120000Z")
        _ = try await store.addOverride(
            rotationID: "invoice-oncall", contactID: "devops", from: Timestamp(from), until: Timestamp(from.addingTimeInterval(86_400)),
            reason: "Charles at a wedding", by: "U0ADMIN", at: Timestamp(from)
        )

        let withData = try CLITests.run(["oncall", "export", "invoice-oncall", "--from", "2026-04-20", "--days", "14", "--config", CLITests.sampleConfig, "--data-dir", data])
        #expect(withData.status == 0, "\(withData.errors)")
        #expect(withData.errors.contains("1 override(s) recorded from chat for invoice-oncall included"))
        let events = try ICalendarParser.parse(withData.output).children
        #expect(events.map { $0.raw("DTSTART") } == ["20260420T080000Z", "20260421T120000Z", "20260422T120000Z", "20260427T080000Z"])
        #expect(events.map { $0.value("SUMMARY") }.prefix(3).map { $0?.hasPrefix("Charles") == true || $0?.hasPrefix("DevOps team") == true } == [true, true, true])
        #expect(events[1].value("SUMMARY")?.hasPrefix("DevOps team") == true, "\(events[1].value("SUMMARY") ?? "")")

        // Without the bot's data (no database in the default place), the file alone.
        let fileOnly = try CLITests.run(["oncall", "export", "invoice-oncall", "--from", "2026-04-20", "--days", "14", "--config", CLITests.sampleConfig,
                                         "--data-dir", directory + "/none"])
        #expect(try ICalendarParser.parse(fileOnly.output).children.map { $0.raw("DTSTART") } == ["20260420T080000Z", "20260427T080000Z"])
    }

    @Test func previewIsATableInTheRotationsZone() throws {
        let run = try CLITests.run(["oncall", "preview", "invoice-oncall", "--from", "2026-10-19", "--days", "14", "--config", CLITests.sampleConfig])
        #expect(run.status == 0, "\(run.errors)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "Invoice pipeline on-call (invoice-oncall), times in Europe/London")
        #expect(lines.contains { $0.hasPrefix("Mon 2026-10-19 09:00 GMT+1  Mon 2026-10-26 09:00 GMT    169h") && $0.hasSuffix("Charles") })
        #expect(lines.contains { $0.hasPrefix("Mon 2026-10-26 09:00 GMT    Mon 2026-11-02 09:00 GMT    168h") && $0.hasSuffix("DevOps team") })
    }

    @Test func unknownRotationsAndBadWindowsAreRefused() throws {
        let unknown = try CLITests.run(["oncall", "export", "nonesuch", "--config", CLITests.sampleConfig])
        #expect(unknown.status == 1)
        #expect(unknown.errors.contains("no rotation 'nonesuch'"))
        #expect(unknown.errors.contains("rotations: invoice-oncall"))
        let days = try CLITests.run(["oncall", "preview", "invoice-oncall", "--days", "0", "--config", CLITests.sampleConfig])
        #expect(days.status != 0)
        #expect(days.errors.contains("--days must be from 1 to 366"))
        let from = try CLITests.run(["oncall", "export", "invoice-oncall", "--from", "next week", "--config", CLITests.sampleConfig])
        #expect(from.status != 0)
        #expect(from.errors.contains("--from must be a date"))
    }
}
