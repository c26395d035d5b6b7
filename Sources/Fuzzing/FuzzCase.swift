/// What a decoder did with one input. A thrown decoding error is `rejected`, a correct
/// answer; `violated` is an answer that breaks a promise the decoder makes (a `Retry-After`
/// outside 1 s…15 min, an acknowledgement that is not JSON).
public enum FuzzOutcome: Sendable, Equatable {
    case accepted
    case rejected
    case violated(String)
}

/// One generated input, ready to run.
public struct FuzzCase: Sendable {
    /// How it was made and how it starts, short enough for one report line.
    public let summary: String
    /// The whole input as bytes, to save as a regression test.
    public let input: [UInt8]
    let decode: @Sendable () -> FuzzOutcome

    public init(made log: [String], input: [UInt8], decode: @escaping @Sendable () -> FuzzOutcome) {
        self.summary = Self.summary(log, input)
        self.input = input
        self.decode = decode
    }

    public func run() -> FuzzOutcome { decode() }

    /// "truncated, bit flip; 1,234 bytes: {\"type\":\"blo…"
    static func summary(_ log: [String], _ input: [UInt8]) -> String {
        let how = log.isEmpty ? "valid sample" : log.joined(separator: ", ")
        var start = ""
        for scalar in String(decoding: input.prefix(48), as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\n": start += "\\n"
            case "\t": start += "\\t"
            case "\r": start += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: start += "\\u{\(String(scalar.value, radix: 16))}"
            default: start.unicodeScalars.append(scalar)
            }
        }
        return "\(how.prefix(120)); \(input.count) bytes: \(start)\(input.count > 48 ? "…" : "")"
    }
}

/// A decoder and the inputs made for it.
public struct FuzzTarget: Sendable {
    public let name: String
    /// For files read once at start rather than requests: the time allowed grows with the
    /// input, this much per KiB, so the bound checks that cost stays linear in the size.
    public let allowancePerKiB: Duration?
    let generate: @Sendable (inout SplitMix64) -> FuzzCase

    public init(
        name: String, allowancePerKiB: Duration? = nil, generate: @escaping @Sendable (inout SplitMix64) -> FuzzCase
    ) {
        self.name = name
        self.allowancePerKiB = allowancePerKiB
        self.generate = generate
    }

    /// The time `input` may take: `bound`, or more for a large file.
    public func bound(_ bound: Duration, for input: FuzzCase) -> Duration {
        guard let allowancePerKiB else { return bound }
        return max(bound, allowancePerKiB * (Double(input.input.count) / 1024))
    }

    /// Input number `index` of run `seed`: the same on every machine, and reachable alone.
    public func input(seed: UInt64, index: Int) -> FuzzCase {
        var random = SplitMix64(seed: seed, stream: name, index: index)
        return generate(&random)
    }
}
