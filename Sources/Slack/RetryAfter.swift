import Foundation

/// Reads an HTTP `Retry-After` given in seconds. The header comes from outside: anything
/// that is not a finite, non-negative number of seconds is treated as absent, and usable
/// values are kept between 1 second and 15 minutes so one answer cannot stall a queue
/// for a day or make the bot retry in a tight loop.
public enum RetryAfter {
    public static func parse(_ header: String?) -> Duration? {
        guard let header, header.utf8.count <= 32,
              let seconds = Double(header.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0
        else { return nil }
        // Clamped as a Double first: a huge finite value (1e300) must not overflow Int64.
        let clamped = min(max(seconds, 1), 15 * 60)
        return .milliseconds(Int64((clamped * 1000).rounded(.up)))
    }
}
