import Foundation

/// Shows timestamps in the configured time zone.
public struct TimeFormatter: Sendable {
    public let timeZone: TimeZone

    public init(timeZoneIdentifier: String) {
        self.timeZone = TimeZone(identifier: timeZoneIdentifier) ?? TimeZone(identifier: "UTC")!
    }

    /// `2026-11-29 02:14 UTC`.
    public func format(_ timestamp: Timestamp) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let zone = timeZone.identifier == "UTC" ? "UTC" : (timeZone.abbreviation(for: date) ?? timeZone.identifier)
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)) \(zone)"
    }

    /// `12m` since `start`, for "open for …".
    public static func elapsed(from start: Timestamp, to end: Timestamp) -> String {
        elapsed(start.duration(until: end))
    }

    /// `45s`, `12m`, `2h5m`.
    public static func elapsed(_ duration: Duration) -> String {
        let seconds = max(0, Int(duration.components.seconds))
        if seconds < 60 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 60 { return "\(minutes)m" }
        return "\(minutes / 60)h\(minutes % 60 == 0 ? "" : "\(minutes % 60)m")"
    }
}
