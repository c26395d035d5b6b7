import Foundation

/// One stretch of time with one person on call.
public struct Shift: Sendable, Hashable {
    /// A contact id.
    public var contact: String
    public var from: Date
    /// Exclusive: the next shift starts here.
    public var until: Date
    /// True when an override put this person here instead of the plan.
    public var isOverride: Bool

    public init(contact: String, from: Date, until: Date, isOverride: Bool = false) {
        self.contact = contact
        self.from = from
        self.until = until
        self.isOverride = isOverride
    }

    public func contains(_ instant: Date) -> Bool { from <= instant && instant < until }
}

/// Who is on call, or that nobody is and whom to try instead.
public enum OnCallStatus: Sendable, Hashable {
    case onCall(Shift)
    /// Nobody is on call (before the rotation starts, outside every override): reach the
    /// rotation's participants instead, in turn order.
    case gap(fallback: [String])

    /// The contact ids to reach.
    public var contacts: [String] {
        switch self {
        case .onCall(let shift): [shift.contact]
        case .gap(let fallback): fallback
        }
    }
}

/// Answers "who is on call when" for a rotation kept in the file. Pure: every question
/// takes the instant it is about; nothing reads a clock.
///
/// Shift `n` starts at the `n`th handoff, a wall-clock time in the rotation's zone turned
/// into an instant by `LocalDateTime.instant(in:)`. So a weekly Monday 09:00 London shift
/// hands off at 09:00 local on both sides of a clock change (08:00 UTC in summer, 09:00 UTC
/// in winter); the shift that spans the change is an hour shorter or longer, not moved.
public struct RotationSchedule: Sendable {
    public let rotationID: String
    public let timeZone: TimeZone
    public let plan: ShiftPlan
    private var overrides: [Shift]
    /// The local day of the first handoff.
    private let firstDay: CalendarDate

    /// Nil for a rotation whose shifts PagerDuty keeps.
    public init?(_ rotation: Rotation) {
        guard let plan = rotation.plan else { return nil }
        self.init(rotationID: rotation.id, timeZone: rotation.timeZone, plan: plan)
    }

    public init(rotationID: String, timeZone: TimeZone, plan: ShiftPlan) {
        self.rotationID = rotationID
        self.timeZone = timeZone
        self.plan = plan
        self.firstDay = plan.start
        self.overrides = plan.overrides.map {
            Shift(contact: $0.contact, from: $0.from.instant(in: timeZone), until: $0.to.instant(in: timeZone), isOverride: true)
        }
    }

    /// The same schedule with `extra` overrides cut in after the file's own, so they win
    /// where they overlap: swaps recorded from chat.
    public func adding(overrides extra: [Shift]) -> RotationSchedule {
        var schedule = self
        schedule.overrides += extra.map { Shift(contact: $0.contact, from: $0.from, until: $0.until, isOverride: true) }
        return schedule
    }

    /// Who is on call at `instant`, overrides applied; nil in a gap.
    public func shift(at instant: Date) -> Shift? {
        shifts(from: instant, to: instant.addingTimeInterval(0.001)).first { $0.contains(instant) }
    }

    /// On call at `instant`, or whom to reach when nobody is.
    public func status(at instant: Date) -> OnCallStatus {
        if let shift = shift(at: instant) { return .onCall(shift) }
        var seen: Set<String> = []
        return .gap(fallback: plan.participants.filter { seen.insert($0).inserted })
    }

    /// The shift that starts next after `instant`: who takes over at the next handoff.
    public func next(after instant: Date) -> Shift? {
        var probe = instant
        if let current = shift(at: instant) {
            if let following = shift(at: current.until) { return following }
            probe = current.until
        }
        // In a gap: the next thing to start is the first handoff or an override.
        let firstHandoff = plan.participants.isEmpty ? [] : [handoff(0)]
        let starts = (firstHandoff + overrides.filter { $0.from < $0.until }.map(\.from)).filter { $0 > probe }
        return starts.min().flatMap { shift(at: $0) }
    }

    /// Every shift that overlaps `from..<to`, in order, each whole (not clipped to the
    /// window), with overrides cut in. At most `limit` planned shifts are looked at, so a
    /// long window over hourly shifts stays cheap.
    public func shifts(from: Date, to: Date, limit: Int = 1_000) -> [Shift] {
        guard from < to else { return [] }
        var segments = plannedShifts(from: from, to: to, limit: limit)
        // Paint every override over the plan, in file order, so a later one wins where two
        // overlap. All of them, not only those in the window: one outside it can still cut
        // a shift that reaches into it.
        for override in overrides where override.from < override.until {
            segments = segments.flatMap { $0.removing(override.from..<override.until) }
            segments.append(override)
        }
        return segments
            .filter { $0.from < to && $0.until > from && $0.from < $0.until }
            .sorted { $0.from < $1.from }
    }

    // MARK: Planned shifts

    private func plannedShifts(from: Date, to: Date, limit: Int) -> [Shift] {
        guard !plan.participants.isEmpty, to > handoff(0) else { return [] }
        var index = index(at: max(from, handoff(0)))
        var result: [Shift] = []
        var start = handoff(index)
        while start < to, result.count < limit {
            let end = handoff(index + 1)
            // Two handoffs inside one spring-forward gap resolve to the same instant: the
            // shift between them does not exist that day.
            if start < end {
                result.append(Shift(contact: plan.participants[index % plan.participants.count], from: start, until: end))
            }
            index += 1
            start = end
        }
        return result
    }

    /// The index of the planned shift running at `instant` (at or after the first handoff).
    private func index(at instant: Date) -> Int {
        let elapsed = instant.timeIntervalSince(handoff(0))
        var index = max(0, Int((elapsed / nominalSeconds).rounded(.down)))
        // The estimate is off by at most a clock change; walk to the exact shift.
        while index > 0, handoff(index) > instant { index -= 1 }
        while handoff(index + 1) <= instant { index += 1 }
        return index
    }

    private var nominalSeconds: Double {
        switch plan.shiftLength {
        case .hours(let count): Double(count) * 3_600
        case .days(let count): Double(count) * 86_400
        case .weeks(let count): Double(count) * 604_800
        }
    }

    /// The instant of the `index`th handoff: its local day and time by calendar arithmetic,
    /// then resolved in the zone (gap: first instant after it; overlap: first occurrence).
    func handoff(_ index: Int) -> Date {
        localHandoff(index).instant(in: timeZone)
    }

    func localHandoff(_ index: Int) -> LocalDateTime {
        let time = plan.handoff.minuteOfDay
        switch plan.shiftLength {
        case .weeks(let count):
            return LocalDateTime(date: firstDay.adding(days: 7 * count * index), minuteOfDay: time)
        case .days(let count):
            return LocalDateTime(date: firstDay.adding(days: count * index), minuteOfDay: time)
        case .hours(let count):
            // The day is cut into local slots from the handoff time; each day restarts at
            // the handoff time, so hourly shifts never drift across a clock change.
            let perDay = max(1, 24 / count)
            let day = index / perDay
            let slot = index % perDay
            return LocalDateTime(date: firstDay.adding(days: day), minuteOfDay: time + slot * count * 60)
        }
    }
}

extension Shift {
    /// What is left of this shift outside `cut`: nothing, one piece or two.
    fileprivate func removing(_ cut: Range<Date>) -> [Shift] {
        guard cut.lowerBound < until, cut.upperBound > from else { return [self] }
        var pieces: [Shift] = []
        if from < cut.lowerBound { pieces.append(Shift(contact: contact, from: from, until: cut.lowerBound, isOverride: isOverride)) }
        if cut.upperBound < until { pieces.append(Shift(contact: contact, from: cut.upperBound, until: until, isOverride: isOverride)) }
        return pieces
    }
}
