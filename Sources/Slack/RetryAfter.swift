import Foundation

/// Reads an HTTP `Retry-After` given in seconds. The header comes from outside: anything
/// that is not a finite, non-negative number of seconds is treated as absent, and usable
/// values are kept between 1 second and 15 minutes so one answer cannot stall a queue
/// for a day or make the bot retry in a tight loop.
public enum RetryAfter {
    public static let shortest: Duration = .seconds(1)
    public static let longest: Duration = .seconds(15 * 60)

    public static func parse(_ header: String?) -> Duration? {
        guard let header, header.utf8.count <= 32,
              let seconds = Double(header.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0
        else { return nil }
        let milliseconds = Int64((min(seconds, 15 * 60) * 1000).rounded(.up))
        return max(shortest, min(longest, .milliseconds(milliseconds)))
    }
}
