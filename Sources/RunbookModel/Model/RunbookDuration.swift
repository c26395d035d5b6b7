/// A span of time as runbook authors write it: `90s`, `15m`, `1h30m`, `2d`.
public struct RunbookDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var seconds: Int

    public init(seconds: Int) {
        self.seconds = seconds
    }

    public static let zero = RunbookDuration(seconds: 0)

    /// Parses `<number><unit>` groups in descending order of unit (`d`, `h`, `m`, `s`).
    /// Returns nil for anything else, so the loader can report the exact field.
    public init?(parsing text: String) {
        let units: [(Character, Int)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        var total = 0
        var digits = ""
        var lastUnitIndex = -1
        var sawGroup = false
        for character in text.trimmingWhitespace() {
            if character.isASCII, character.isNumber {
                digits.append(character)
                guard digits.count <= 9 else { return nil }
                continue
            }
            guard let unitIndex = units.firstIndex(where: { $0.0 == character }),
                  unitIndex > lastUnitIndex,
                  let value = Int(digits)
            else { return nil }
            total += value * units[unitIndex].1
            lastUnitIndex = unitIndex
            digits = ""
            sawGroup = true
        }
        guard sawGroup, digits.isEmpty else { return nil }
        self.seconds = total
    }

    public var description: String {
        guard seconds > 0 else { return "0m" }
        var remaining = seconds
        var text = ""
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] where remaining >= size {
            text += "\(remaining / size)\(unit)"
            remaining %= size
        }
        return text
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.seconds < rhs.seconds }
}

extension String {
    func trimmingWhitespace() -> String {
        self[...].trimmingWhitespace()
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        // Text that begins and ends in ASCII, after any ASCII spaces ("timeout", the rest of
        // "share x"), is trimmed by byte without looking up any letter's properties; only a
        // non-ASCII letter at either end needs the Unicode definition of a space.
        let bytes = utf8
        let start = bytes.firstIndex { !Self.isASCIIWhitespace($0) } ?? bytes.endIndex
        let end = bytes[start...].lastIndex { !Self.isASCIIWhitespace($0) }
        if let end, bytes[start] < 0x80, bytes[end] < 0x80 {
            return String(self[start...end])
        }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(self[start...end])
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
