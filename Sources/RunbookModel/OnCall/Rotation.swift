import Foundation

/// One on-call rotation from `bot-config/oncall.yaml`: who is on call, in which order, and
/// when they hand over. Times are the rotation's own, in its IANA time zone.
public struct Rotation: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Handoffs and overrides are wall-clock times in this zone.
    public var timeZone: TimeZone
    public var source: Source
    /// A Slack channel (C… or #name) told about every handoff.
    public var channel: ChatAddress?
    /// A Slack user group (S…) kept in sync with whoever is on call.
    public var userGroup: ChatAddress?
    /// For a PagerDuty rotation: contact ids reached when PagerDuty cannot be asked.
    public var pagerDutyFallback: [String] = []

    public init(
        id: String, name: String, timeZone: TimeZone, source: Source,
        channel: ChatAddress? = nil, userGroup: ChatAddress? = nil
    ) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.source = source
        self.channel = channel
        self.userGroup = userGroup
    }

    /// Where the shifts come from: a plan written in the file, or a PagerDuty schedule
    /// the bot asks. A rotation has one or the other, never both.
    public enum Source: Sendable, Equatable {
        case plan(ShiftPlan)
        case pagerDuty(scheduleID: String)
    }

    /// The written plan, unless PagerDuty keeps this rotation's shifts.
    public var plan: ShiftPlan? {
        if case .plan(let plan) = source { plan } else { nil }
    }

    public var pagerDutySchedule: String? {
        if case .pagerDuty(let id) = source { id } else { nil }
    }

    /// Whom to reach when nobody is known to be on call: the participants, in turn order,
    /// each once.
    public var fallbackParticipants: [String] {
        var seen: Set<String> = []
        return (plan?.participants ?? pagerDutyFallback).filter { seen.insert($0).inserted }
    }

    /// One line for `validate`: "1w shifts, Monday 09:00 Europe/London, 2 participants, 0 overrides".
    public var summary: String {
        switch source {
        case .pagerDuty(let id):
            return "PagerDuty schedule \(id), \(timeZone.identifier)"
        case .plan(let plan):
            return "\(plan.shiftLength) shifts, \(plan.handoff) \(timeZone.identifier), from \(plan.start), "
                + "\(plan.participants.count) participants, \(plan.overrides.count) overrides"
        }
    }
}

/// The shifts of a rotation kept in the file: participants take turns, in order, handing
/// over at the same local time.
public struct ShiftPlan: Sendable, Equatable {
    public var shiftLength: ShiftLength
    public var handoff: HandoffTime
    /// The day of the first handoff; for weekly shifts it falls on `handoff.weekday`.
    public var start: CalendarDate
    /// Contact ids, in turn order. The same contact may appear more than once.
    public var participants: [String]
    /// Later overrides win where they overlap earlier ones.
    public var overrides: [RotationOverride]

    public init(
        shiftLength: ShiftLength, handoff: HandoffTime, start: CalendarDate,
        participants: [String], overrides: [RotationOverride] = []
    ) {
        self.shiftLength = shiftLength
        self.handoff = handoff
        self.start = start
        self.participants = participants
        self.overrides = overrides
    }
}

/// How long one shift lasts, in calendar units of the rotation's zone: a day is from one
/// local handoff time to the next (23 or 25 hours across a clock change), not 86,400 s.
public enum ShiftLength: Sendable, Hashable, CustomStringConvertible {
    /// Follow-the-sun: the day is cut into equal local slots from the handoff time, so the
    /// count must divide 24.
    case hours(Int)
    case days(Int)
    case weeks(Int)

    /// `8h`, `1d`, `2w`: one number and one unit.
    public init?(parsing text: String) {
        let text = text.trimmingWhitespace()
        guard let unit = text.last, let count = Int(text.dropLast()), count > 0, count <= 1_000,
              text.dropLast().allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        switch unit {
        case "h": self = .hours(count)
        case "d": self = .days(count)
        case "w": self = .weeks(count)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .hours(let count): "\(count)h"
        case .days(let count): "\(count)d"
        case .weeks(let count): "\(count)w"
        }
    }
}

/// The local time of day shifts change at, and for weekly shifts the day of the week.
public struct HandoffTime: Sendable, Hashable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int
    public var weekday: Weekday?

    public init?(hour: Int, minute: Int, weekday: Weekday? = nil) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
        self.weekday = weekday
    }

    /// `HH:MM` on the 24-hour clock; `9:00` is read as `09:00`.
    public init?(parsing text: String) {
        let parts = text.trimmingWhitespace().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    var minuteOfDay: Int { hour * 60 + minute }

    public var description: String {
        let time = LocalDateTime.twoDigits(hour) + ":" + LocalDateTime.twoDigits(minute)
        return weekday.map { "\($0.name) \(time)" } ?? time
    }
}

public enum Weekday: String, CaseIterable, Sendable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    public var name: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// Someone else on call for a while: a swap, cover for a holiday. The times are wall-clock
/// times in the rotation's zone, resolved by the same rules as handoffs.
public struct RotationOverride: Sendable, Equatable {
    /// A contact id.
    public var contact: String
    public var from: LocalDateTime
    /// Exclusive: the override ends as `to` begins.
    public var to: LocalDateTime

    public init(contact: String, from: LocalDateTime, to: LocalDateTime) {
        self.contact = contact
        self.from = from
        self.to = to
    }
}

extension CalendarDate {
    /// The day `days` after this one (before it, when negative).
    public func adding(days: Int) -> CalendarDate {
        CalendarDate(unixSeconds: Int64(daysSinceEpoch + days) * 86_400)
    }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday, index 3 from Monday.
        let index = ((daysSinceEpoch + 3) % 7 + 7) % 7
        return Weekday.allCases[index]
    }
}
