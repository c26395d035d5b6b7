/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny generator whose output depends only on
/// its seed, so a seed names the same inputs on every machine and every Swift release.
///
/// The helpers below are written out rather than using `Int.random(in:using:)`: the
/// standard library does not promise that algorithm stays the same between releases, and a
/// crasher must be reproducible from its seed and index alone.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The generator for one input: every input is reachable on its own, so a single one can
    /// be replayed without generating those before it.
    public init(seed: UInt64, stream: String, index: Int) {
        var mixer = SplitMix64(seed: seed ^ Self.fnv1a(stream))
        let streamSeed = mixer.next()
        var indexMixer = SplitMix64(seed: streamSeed &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        self.init(seed: indexMixer.next())
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound` (rejection sampling, so no modulo bias).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "below(_:) needs a positive bound")
        let limit = UInt64(bound)
        let threshold = (0 &- limit) % limit
        while true {
            let value = next()
            if value >= threshold { return Int(value % limit) }
        }
    }

    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True `numerator` times in `denominator`.
    public mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        below(denominator) < numerator
    }

    public mutating func pick<Element>(_ items: [Element]) -> Element {
        items[below(items.count)]
    }

    /// A size spread evenly over the powers of two up to `maximum`: as many inputs of 2 to
    /// 3 bytes as of 32 to 63, so short and long are both well covered.
    public mutating func size(upTo maximum: Int) -> Int {
        let bits = below(Int.bitWidth - maximum.leadingZeroBitCount + 1)
        guard bits > 0 else { return 0 }
        let low = 1 << (bits - 1)
        return min(maximum, low + below(low))
    }

    /// FNV-1a: a stable hash of a name (Swift's `Hasher` is seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
