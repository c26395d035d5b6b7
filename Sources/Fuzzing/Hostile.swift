/// Values that have broken parsers before, shared by every generator.
public enum Hostile {
    /// Number spellings a decoder might read as a number, with the ones that must not be
    /// trusted: not finite, out of range, negative, hexadecimal, padded.
    public static let numbers = [
        "0", "-0", "1", "-1", "30", "2.5", "0.0001", "NaN", "nan", "-nan", "nan(0x1)", "inf", "-inf", "+inf",
        "Infinity", "-Infinity", "infinity", "1e300", "-1e300", "1e308", "1.8e308", "1e999", "-1e999", "1e-400",
        "4.9e-324", "2.2250738585072014e-308", "9007199254740993", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "18446744073709551616", "0x10", "0x1p3", "1_000", "+5",
        " 5", "5 ", "5.", ".5", "00012", "1e", "e1", "--1", "0.", "1,5", "٣", "５", "1e+", "9" + String(repeating: "9", count: 400),
    ]

    /// Text that differs from what it looks like, or changes length when case-folded.
    public static let confusables = [
        "tіmeout",  // Cyrillic і
        "ｔｉｍｅｏｕｔ",  // full-width
        "time\u{200B}out",  // zero-width space
        "time\u{00AD}out",  // soft hyphen
        "e\u{301}\u{301}\u{301}\u{301}",  // stacked combining marks
        "\u{202E}tuoemit",  // right-to-left override
        "İnvoice",  // lowercases to two scalars
        "straße",  // uppercases to SS
        "ﬃ",  // a ligature that case-folds to three letters
        "👩‍👩‍👧‍👦🇩🇪",  // grapheme clusters of many scalars
        "\u{FEFF}timeout",  // byte-order mark
        "Ⅻ", "①", "𝟗",  // numeric-looking non-digits
        "ǅ",  // title-case letter
        "\u{0}", "\u{7F}", "\u{1B}[31m",  // control characters
        "\u{FFFD}", "\u{10FFFF}",
    ]

    /// Characters with a meaning in some layer: form encoding, JSON, YAML, mrkdwn, ids.
    public static let punctuation = [
        "&", "=", "%", "%%", "%zz", "%4", "+", "\"", "\\", "\\u0000", "\\ud800", "{", "}", "[", "]", ":", ",", "#",
        "*", "&a", "*a", "!", "!!binary", "|", ">", "- ", "? ", "---", "...", "'", "`", "```", "<", ">", "<@U1>",
        "<!channel>", "<#C1|x>", "@", "/", "//", "INC-", "INC-0", "#0", "-1", "\t", "\n", "\r\n", "\r", " ", "  ",
    ]

    /// Byte sequences that are not UTF-8: overlong, surrogates, past U+10FFFF, truncated.
    public static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xFE], [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3],
    ]

    /// `count` copies of one letter: the "very long single word".
    public static func longWord(_ count: Int, letter: Character = "x") -> String {
        String(repeating: letter, count: count)
    }

    /// One hostile piece of text, chosen and sized by `random`.
    public static func text(_ random: inout SplitMix64, maximum: Int) -> String {
        // Text arrives in a body at most this long; longer inputs come from repetition.
        let maximum = min(maximum, FuzzLimits.httpBody)
        switch random.below(7) {
        case 0: return random.pick(numbers)
        case 1: return random.pick(confusables)
        case 2: return random.pick(punctuation)
        case 3: return ""
        case 4: return longWord(random.size(upTo: min(maximum, FuzzLimits.longWord)), letter: random.pick(["x", "a", "é", "ı", "9", "Ж"]))
        case 5:
            // Many short words: the cost of a flood is per word, not per byte.
            let words = (0..<random.size(upTo: max(1, maximum / 8))).map { _ in random.pick(["w\(random.below(1000))x", "timout", "ab", "the", "a"]) }
            return words.joined(separator: random.pick([" ", "\t", "\n", "  "]))
        default:
            return random.pick(confusables) + random.pick(punctuation) + random.pick(numbers)
        }
    }
}
