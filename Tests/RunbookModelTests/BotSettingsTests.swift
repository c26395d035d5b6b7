import Foundation
import RunbookModel
import TestSupport
import Testing

/// `bot.yaml`'s per-channel zones: read, checked, and used where a channel has one.
struct BotSettingsTests {
    static func load(_ settings: String) throws -> RunbookLoader.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/runbooks", withIntermediateDirectories: true)
        try FastRunbook.yaml(levelSeconds: [0, 60, 120]).write(toFile: directory + "/runbooks/fast.yaml", atomically: true, encoding: .utf8)
        try settings.write(toFile: directory + "/bot.yaml", atomically: true, encoding: .utf8)
        return RunbookLoader.load(configDirectory: directory, today: CalendarDate(year: 2026, month: 5, day: 1)!)
    }

    @Test func aChannelMayHaveAZoneOfItsOwn() throws {
        let loaded = try Self.load("""
            timezone: Europe/London
            channel_timezones:
              C0SYDNEY: Australia/Sydney
              G0NYC: America/New_York
            """)
        #expect(loaded.diagnostics.errors.isEmpty, "\(loaded.diagnostics)")
        #expect(loaded.settings.timeZone(forChannel: "C0SYDNEY") == "Australia/Sydney")
        #expect(loaded.settings.timeZone(forChannel: "G0NYC") == "America/New_York")
        #expect(loaded.settings.timeZone(forChannel: "C0OTHER") == "Europe/London")
    }

    @Test func aWrongChannelOrZoneIsAnErrorWithItsPlace() throws {
        let loaded = try Self.load("""
            channel_timezones:
              '#sydney': Australia/Sydney
              C0NYC: America/Gotham
            """)
        let errors = loaded.diagnostics.errors.map(\.description)
        #expect(errors.contains { $0.hasSuffix("bot.yaml:2:14: error: channel_timezones.#sydney: '#sydney' is not a Slack channel id (C…, G…)") }, "\(errors)")
        #expect(errors.contains { $0.contains("channel_timezones.C0NYC: 'America/Gotham' is not a time zone") }, "\(errors)")
    }
}
