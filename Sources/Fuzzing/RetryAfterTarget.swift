import Slack

extension FuzzTarget {
    /// A `Retry-After` header, as Slack (or anything pretending to be Slack) sends it.
    public static let retryAfter = FuzzTarget(name: "retry-after") { random in
        var log: [String] = []
        let header = Self.retryAfterHeader(&random, log: &log)
        return FuzzCase(made: log, input: Array((header ?? "").utf8)) {
            Self.checkRetryAfter(header, RetryAfter.parse(header))
        }
    }

    /// A header value, or nil for none.
    static func retryAfterHeader(_ random: inout SplitMix64, log: inout [String]) -> String? {
        switch random.below(8) {
        case 0:
            log.append("absent")
            return nil
        case 1, 2:
            return "\(random.below(2_000))"
        case 3:
            return "\(random.below(100)).\(random.below(1_000))"
        case 4:
            let padding = random.pick(["", " ", "\t", "\u{A0}", "\u{3000}", "\n", "  "])
            log.append("padded")
            return padding + random.pick(Hostile.numbers) + padding
        case 5:
            log.append("date or word")
            return random.pick(["Wed, 21 Oct 2015 07:28:00 GMT", "soon", "later", "never", "30s", "1m", "PT30S", "½", "३०", "0x1E"])
        case 6:
            log.append("hostile text")
            return Hostile.text(&random, maximum: FuzzLimits.headerValue)
        default:
            return random.pick(Hostile.numbers)
        }
    }

    /// Absent, or between 1 second and 15 minutes; a plain count of seconds in that range
    /// is taken as it is.
    static func checkRetryAfter(_ header: String?, _ wait: Duration?) -> FuzzOutcome {
        guard let wait else { return .rejected }
        guard wait >= .seconds(1), wait <= .seconds(15 * 60) else { return .violated("Retry-After \(header ?? "nil") gave \(wait)") }
        if let header, let seconds = Int(header), (1...900).contains(seconds), wait != .seconds(seconds) {
            return .violated("Retry-After \(header) gave \(wait)")
        }
        return .accepted
    }
}
