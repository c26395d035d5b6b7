import RunbookModel

/// What `/oncall` was asked, parsed from the command's text in one place.
public enum OnCallCommand: Sendable, Equatable {
    /// Every rotation: who now, until when, who next.
    case all
    /// One rotation, by id or by a system whose contacts name it.
    case show(String)
    /// The shifts of the next `days` days.
    case schedule(rotation: String, days: Int)
    case override(rotation: String, who: String, end: OverrideEnd, reason: String?)
    case cancelOverride(id: Int64)
    /// Usage, with what was wrong when the text could not be read.
    case help(problem: String?)

    /// How long an override runs from now.
    public enum OverrideEnd: Sendable, Equatable {
        case lasting(seconds: Int)
        /// A wall-clock time in the rotation's zone; a time of day alone is its next occurrence.
        case until(LocalDateTime)
        case untilTimeOfDay(hour: Int, minute: Int)
    }

    /// Overrides and cancellations change the store: a replayed request must not repeat them.
    public var changesSomething: Bool {
        switch self {
        case .override, .cancelOverride: true
        case .all, .show, .schedule, .help: false
        }
    }

    public static let defaultDays = 7
    public static let maxDays = 62
    /// Longer swaps belong in `oncall.yaml`, where they are reviewed.
    public static let maxOverrideSeconds = 90 * 86_400
    public static let maxReasonLength = 200

    public static let usage = [
        "/oncall — who is on call now in every rotation, until when, and who is next",
        "/oncall <rotation or system> — one rotation",
        "/oncall schedule <rotation> [days] — the coming shifts (default 7 days, at most 62)",
        "/oncall override <rotation> <@user or contact> <duration or until time> [reason] — take over for a while (8h, 2d, until 18:00, until 2026-06-01 09:00)",
        "/oncall override cancel <OVR-n> — remove an override",
    ]

    public init(text: String) {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first?.lowercased() else {
            self = .all
            return
        }
        switch first {
        case "help":
            self = .help(problem: nil)
        case "schedule":
            guard words.count == 2 || words.count == 3 else {
                self = .help(problem: "say which rotation: /oncall schedule <rotation> [days]")
                return
            }
            var days = Self.defaultDays
            if words.count == 3 {
                guard let count = Int(words[2]), (1...Self.maxDays).contains(count) else {
                    self = .help(problem: "'\(words[2].prefix(40))' is not a number of days from 1 to \(Self.maxDays)")
                    return
                }
                days = count
            }
            self = .schedule(rotation: words[1], days: days)
        case "override":
            self = Self.override(Array(words.dropFirst()))
        default:
            self = words.count == 1 ? .show(words[0]) : .help(problem: "'\(text.prefix(60))' is not an /oncall command")
        }
    }

    private static func override(_ words: [String]) -> OnCallCommand {
        if words.first?.lowercased() == "cancel" {
            guard words.count == 2, let id = overrideID(words[1]) else {
                return .help(problem: "say which override: /oncall override cancel <OVR-n>")
            }
            return .cancelOverride(id: id)
        }
        guard words.count >= 3 else {
            return .help(problem: "say the rotation, who takes over and for how long: /oncall override <rotation> <@user or contact> <duration or until time> [reason]")
        }
        var rest = words.dropFirst(2)
        let end: OverrideEnd
        if rest.first?.lowercased() == "until" {
            rest = rest.dropFirst()
            guard let (parsed, used) = untilTime(Array(rest)) else {
                return .help(problem: "after 'until', give a time: 18:00 or 2026-06-01 09:00 (in the rotation's time zone)")
            }
            end = parsed
            rest = rest.dropFirst(used)
        } else {
            guard let word = rest.first, let seconds = durationSeconds(word), seconds > 0 else {
                return .help(problem: "'\(words[2].prefix(40))' is not a duration or an end: use 8h, 2d, 1w, until 18:00 or until 2026-06-01 09:00")
            }
            end = .lasting(seconds: seconds)
            rest = rest.dropFirst()
        }
        let reason = rest.joined(separator: " ")
        guard reason.count <= maxReasonLength else {
            return .help(problem: "the reason is too long: at most \(maxReasonLength) characters")
        }
        return .override(rotation: words[0], who: words[1], end: end, reason: reason.isEmpty ? nil : reason)
    }

    /// `18:00`, or `2026-06-01 09:00` (two words), and how many words it took.
    private static func untilTime(_ words: [String]) -> (OverrideEnd, Int)? {
        guard let first = words.first else { return nil }
        if words.count >= 2, let local = LocalDateTime(parsing: "\(first) \(words[1])") { return (.until(local), 2) }
        if let time = HandoffTime(parsing: first) { return (.untilTimeOfDay(hour: time.hour, minute: time.minute), 1) }
        return nil
    }

    /// `8h`, `2d`, `1d12h`, or whole weeks: `1w`.
    private static func durationSeconds(_ word: String) -> Int? {
        if word.count <= 4, word.hasSuffix("w"), let weeks = Int(word.dropLast()), weeks > 0 { return weeks * 604_800 }
        return RunbookDuration(parsing: word)?.seconds
    }

    /// `OVR-12` or `12`.
    static func overrideID(_ text: String) -> Int64? {
        let digits = text.uppercased().hasPrefix("OVR-") ? String(text.dropFirst(4)) : text
        guard digits.count <= 12, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(digits)
    }
}
