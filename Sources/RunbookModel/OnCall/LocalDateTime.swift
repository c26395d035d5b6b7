import Foundation

/// A wall-clock time in some zone, to the minute: what a rotation's author writes
/// (`2026-05-04 09:00`). It becomes an instant only through `instant(in:)`, which is where
/// the clock-change rules are decided.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var date: CalendarDate
    /// Minutes since local midnight, 0..<1440.
    public var minuteOfDay: Int

    public init(date: CalendarDate, minuteOfDay: Int) {
        // Minutes past the day roll over into the following days.
        let days = minuteOfDay >= 0 ? minuteOfDay / 1_440 : (minuteOfDay - 1_439) / 1_440
        self.date = date.adding(days: days)
        self.minuteOfDay = minuteOfDay - days * 1_440
    }

    public init(date: CalendarDate, hour: Int, minute: Int) {
        self.init(date: date, minuteOfDay: hour * 60 + minute)
    }

    /// `YYYY-MM-DD HH:MM` (a `T` between the two is accepted too).
    public init?(parsing text: String) {
        let text = text.trimmingWhitespace()
        guard let separator = text.firstIndex(where: { $0 == " " || $0 == "T" }),
              let date = CalendarDate(parsing: String(text[..<separator])),
              let time = HandoffTime(parsing: String(text[text.index(after: separator)...]))
        else { return nil }
        self.init(date: date, minuteOfDay: time.minuteOfDay)
    }

    public var description: String {
        "\(date) \(Self.twoDigits(minuteOfDay / 60)):\(Self.twoDigits(minuteOfDay % 60))"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.date, lhs.minuteOfDay) < (rhs.date, rhs.minuteOfDay)
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Seconds since 1970 of this wall-clock time read as if it were UTC.
    private var wallSeconds: Int {
        date.daysSinceEpoch * 86_400 + minuteOfDay * 60
    }

    /// The instant this wall-clock time names in `zone`.
    ///
    /// Most local times name exactly one instant. Around a clock change they do not, and
    /// rotations decide it so, on purpose (Foundation's `Calendar.date(from:)` moves a
    /// time in the gap forward by the gap's length, which is not the rule we want):
    /// - **Gap** (spring forward; 02:30 does not exist on that day in New York): the
    ///   first instant after the gap, i.e. the moment the clocks jump (03:00 new time).
    /// - **Overlap** (fall back; 01:30 happens twice): the first occurrence, still on
    ///   summer time.
    ///
    /// Assumes at most one offset change within a day either side, which holds for every
    /// zone in the tz database since 1970.
    public func instant(in zone: TimeZone) -> Date {
        let wall = wallSeconds
        let offsetBefore = Self.offset(of: zone, at: wall - 86_400)
        let offsetAfter = Self.offset(of: zone, at: wall + 86_400)
        // An instant is a reading of `wall` when the zone's offset there is the one assumed.
        let readings = Set([offsetBefore, offsetAfter])
            .map { wall - $0 }
            .filter { wall - Self.offset(of: zone, at: $0) == $0 }
        if let first = readings.min() {
            return Date(timeIntervalSince1970: TimeInterval(first))
        }
        // Neither offset reads as `wall`: it falls in the gap. The clocks jump somewhere
        // between the two candidate readings; find the second they jump at.
        var low = wall - max(offsetBefore, offsetAfter)   // still on the old offset
        var high = wall - min(offsetBefore, offsetAfter)  // already on the new one
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if Self.offset(of: zone, at: middle) == offsetBefore { low = middle } else { high = middle }
        }
        return Date(timeIntervalSince1970: TimeInterval(high))
    }

    private static func offset(of zone: TimeZone, at seconds: Int) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
