/// Mutations that know YAML: edits an author could make by mistake (a tab, a lost indent,
/// a typo in a key) and documents written to hurt (alias bombs, nesting past libyaml's
/// limit). Works on lines, so the rest of the document still reads as a runbook.
public enum YAMLMutations {
    /// Scalars YAML reads as something other than text, or cannot read at all.
    static let scalars = [
        "~", "null", "yes", "no", "on", "off", "0o17", "0x1F", ".nan", ".inf", "-.inf", "1e300", "-1",
        "!!binary aGVsbG8=", "!!timestamp 2001-12-14", "!!float nan", "!!int x", "!custom x", "!<tag:x> y",
        "[", "{", "]", "}", "'unterminated", "\"unterminated", "|", ">-", "|+9", "*undefined", "&dangling",
        "? complex", "- item", "{a: 1, a: 2}", "[[[[", "\"\\u0000\"", "\"\\ud800\"", "2026-02-30", "9999-12-31",
        "0000-00-00", "+999-01-01", "15m", "0s", "-5m", "999999999d", "9999999999h", "1h30m15s", "1s1h", "P1D",
        "<<: *a", "%YAML 1.1", "---", "...", "@reserved", "`backtick", "#", "a: b: c", "sev0", "CRITICAL", "",
    ]

    public static func mutate(_ text: String, limit: Int, _ random: inout SplitMix64, log: inout [String]) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<random.int(in: 1...3) {
            mutateOnce(&lines, limit: limit, &random, log: &log)
        }
        return lines.joined(separator: "\n")
    }

    static func mutateOnce(_ lines: inout [String], limit: Int, _ random: inout SplitMix64, log: inout [String]) {
        guard !lines.isEmpty else {
            lines = [random.pick(scalars)]
            log.append("scalar document")
            return
        }
        let index = random.below(lines.count)
        switch random.below(10) {
        case 0:
            lines.remove(at: index)
            log.append("line deleted")
        case 1:
            lines.insert(lines[index], at: random.below(lines.count + 1))
            log.append("line duplicated")
        case 2:
            lines.swapAt(index, random.below(lines.count))
            log.append("lines swapped")
        case 3:
            // A tab where YAML only allows spaces.
            let indent = lines[index].prefix { $0 == " " }
            lines[index] = String(repeating: "\t", count: max(1, indent.count / 2)) + lines[index].dropFirst(indent.count)
            log.append("tab indentation")
        case 4:
            lines[index] = random.chance(1, in: 2) ? "  " + lines[index] : String(lines[index].drop { $0 == " " })
            log.append("indent changed")
        case 5:
            let scalar = random.chance(3, in: 4) ? random.pick(scalars) : Hostile.text(&random, maximum: limit)
            lines[index] = replacingValue(of: lines[index], with: scalar)
            log.append("value '\(scalar.prefix(20))'")
        case 6:
            lines[index] = typo(lines[index], &random)
            log.append("key typo")
        case 7:
            aliasValue(&lines, &random)
            log.append("anchor and alias")
        case 8:
            lines.insert(random.pick(["\u{FEFF}", "\r", "\t", "%TAG ! tag:x,2000:", "---", "...", "--- |", "key: [", "\u{0}"]), at: index)
            log.append("stray line")
        default:
            repeatLines(&lines, from: index, limit: random.size(upTo: limit), &random)
            log.append("lines repeated")
        }
    }

    /// `key: value` or `- value` with the value replaced.
    static func replacingValue(of line: String, with scalar: String) -> String {
        if let colon = line.range(of: ": ") { return line[..<colon.upperBound] + scalar }
        if let dash = line.range(of: "- ") { return line[..<dash.upperBound] + scalar }
        return line + " " + scalar
    }

    static func typo(_ line: String, _ random: inout SplitMix64) -> String {
        var characters = Array(line)
        guard let colon = characters.firstIndex(of: ":"), colon > 0 else { return line }
        let start = characters.prefix(colon).firstIndex { $0 != " " && $0 != "-" } ?? 0
        guard start < colon else { return line }
        characters[random.int(in: start...(colon - 1))] = random.pick(["x", "_", "-", "é", "Ɂ", " "])
        return String(characters)
    }

    /// Anchors one value and points a later one at it, or at an anchor that does not exist.
    static func aliasValue(_ lines: inout [String], _ random: inout SplitMix64) {
        let values = lines.indices.filter { lines[$0].contains(": ") && !lines[$0].hasSuffix(": ") }
        guard values.count >= 2 else { return }
        let first = random.pick(values)
        let second = random.pick(values)
        let name = "a\(random.below(10))"
        if let colon = lines[first].range(of: ": ") {
            lines[first] = lines[first][..<colon.upperBound] + "&\(name) " + lines[first][colon.upperBound...]
        }
        lines[second] = replacingValue(of: lines[second], with: random.chance(4, in: 5) ? "*\(name)" : "*missing")
    }

    /// Repeats a run of lines until the document is about `limit` bytes: thousands of
    /// entries, most with the same id.
    static func repeatLines(_ lines: inout [String], from start: Int, limit: Int, _ random: inout SplitMix64) {
        let block = Array(lines[start..<min(lines.count, start + random.int(in: 1...12))])
        let blockSize = block.reduce(1) { $0 + $1.utf8.count + 1 }
        let current = lines.reduce(0) { $0 + $1.utf8.count + 1 }
        guard current < limit else { return }
        let copies = (limit - current) / blockSize
        lines.insert(contentsOf: (0..<copies).flatMap { _ in block }, at: start)
    }

    // MARK: Documents written to hurt

    /// The "billion laughs": `levels` anchors, each a list of `width` aliases of the one
    /// before, so the last stands for `width^levels` strings while the text stays small.
    public static func laughs(levels: Int, width: Int) -> String {
        var text = "x-laughs:\n  - &l0 [\(Array(repeating: "\"lol\"", count: width).joined(separator: ", "))]\n"
        for level in 1..<max(2, levels) {
            text += "  - &l\(level) [\(Array(repeating: "*l\(level - 1)", count: width).joined(separator: ", "))]\n"
        }
        return text
    }

    /// Where a bomb's top alias goes: as a value the decoder reads, or as a mapping key.
    public enum LaughsPlacement: String, CaseIterable, Sendable {
        case alone, asValue, asKey, asFlowKey, asMerge
    }

    /// `document` with a bomb defined first and its top alias used according to `placement`.
    public static func laughs(levels: Int, width: Int, placement: LaughsPlacement, in document: String, key: String) -> String {
        let bomb = laughs(levels: levels, width: width)
        let top = "*l\(max(2, levels) - 1)"
        switch placement {
        case .alone:
            return bomb
        case .asValue:
            var lines = document.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if let line = lines.firstIndex(where: { $0.drop { $0 == " " }.hasPrefix(key + ":") }) {
                lines[line] = replacingValue(of: lines[line].hasSuffix(":") ? lines[line] + " " : lines[line], with: top)
            }
            return bomb + lines.joined(separator: "\n")
        case .asKey:
            return bomb + "? \(top)\n: x\n" + document
        case .asFlowKey:
            return bomb + "x-flow: {\(top): 1, other: 2}\n" + document
        case .asMerge:
            return bomb + "x-merge:\n  <<: \(top)\n" + document
        }
    }

    /// Lists or mappings nested `depth` deep, in flow (`[[[`) or block (indented) style.
    public static func nesting(depth: Int, flow: Bool, limit: Int) -> String {
        if flow {
            let depth = min(depth, limit / 2)
            return "x: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        }
        var text = ""
        var size = 0
        var level = 0
        // One space per level: depth^2/2 bytes, so the limit allows a deeper document.
        while level < depth, size + level + 3 < limit {
            text += String(repeating: " ", count: level) + "k:\n"
            size += level + 3
            level += 1
        }
        return text + String(repeating: " ", count: level) + "v\n"
    }
}
