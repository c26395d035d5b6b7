import Foundation
import Slack

/// The token that opens `/oncall/<rotation>.ics`: `ONCALL_CALENDAR_TOKEN`, or one the bot
/// makes once and keeps in the data directory (0600, written whole or not at all), like the
/// local signing secret.
public enum OnCallCalendarToken {
    public static let fileName = "oncall-calendar-token"

    public static func path(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent(fileName)
    }

    public static func loadOrCreate(dataDirectory: String) throws -> String {
        let path = path(dataDirectory: dataDirectory)
        if let data = FileManager.default.contents(atPath: path),
           let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            return text
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var generator = SystemRandomNumberGenerator()
        let token = Hex.encode((0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try LocalSigningSecret.writeOwnerOnly(Data((token + "\n").utf8), to: path)
        return token
    }
}
