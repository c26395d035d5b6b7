/// Turns text into search terms the same way for runbooks and for queries, so that
/// `ConditionalCheckFailedException`, `invoice-parser errors > 5/min` and a tired
/// `throttling dynamo` all meet the words the runbook was written with.
enum Tokenizer {
    /// Lowercased, lightly stemmed terms, without stop words. Camel-case words also
    /// yield their parts, so a pasted exception name matches both ways.
    static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        var text = text
        let isASCII = text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } }
        if isASCII {
            text.withUTF8 { forEachASCIIWord(in: $0, &terms) }
        } else {
            forEachWord(in: text) { word, parts in
                appendTerm(word, to: &terms)
                if parts.count > 1 {
                    for part in parts { appendTerm(part, to: &terms) }
                }
            }
        }
        return terms
    }

    /// The common case, on bytes: runbooks and pasted logs are nearly always ASCII, and this
    /// path runs for every word of every entry when the index is built.
    private static func forEachASCIIWord(in bytes: UnsafeBufferPointer<UInt8>, _ terms: inout [String]) {
        var word: [UInt8] = []
        var boundaries: [Int] = []
        var previousWasLower = false

        func flush() {
            guard !word.isEmpty else { return }
            appendTerm(word[...], to: &terms)
            if !boundaries.isEmpty {
                var start = 0
                for boundary in boundaries {
                    appendTerm(word[start..<boundary], to: &terms)
                    start = boundary
                }
                appendTerm(word[start...], to: &terms)
            }
            word.removeAll(keepingCapacity: true)
            boundaries.removeAll(keepingCapacity: true)
            previousWasLower = false
        }

        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                word.append(byte)
                previousWasLower = true
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                // "CheckFailed" → "check" | "failed": a camel-case boundary.
                if previousWasLower { boundaries.append(word.count) }
                word.append(byte + 32)
                previousWasLower = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                word.append(byte)
                previousWasLower = false
            default:
                flush()
            }
        }
        flush()
    }

    private static func appendTerm(_ word: ArraySlice<UInt8>, to terms: inout [String]) {
        guard word.count >= 2, !word.allSatisfy({ $0 == UInt8(ascii: "0") }) else { return }
        let text = String(decoding: word, as: UTF8.self)
        guard !stopWords.contains(text) else { return }
        terms.append(stem(word) ?? text)
    }

    private static func appendTerm(_ word: String, to terms: inout [String]) {
        guard word.utf8.count >= 2, !stopWords.contains(word) else { return }
        if word.utf8.allSatisfy({ $0 == UInt8(ascii: "0") }) { return }
        terms.append(stem(word))
    }

    /// Calls `body` with each alphanumeric run, lowercased, and its camel-case parts.
    private static func forEachWord(in text: String, _ body: (String, [String]) -> Void) {
        var word = String.UnicodeScalarView()
        var parts: [String] = []
        var partStart = word.startIndex
        var previous: Unicode.Scalar?

        func flush() {
            guard !word.isEmpty else { return }
            let whole = String(word)
            if !parts.isEmpty {
                parts.append(String(word[partStart...]).lowercased())
            }
            body(whole.lowercased(), parts)
            word = String.UnicodeScalarView()
            parts = []
            partStart = word.startIndex
            previous = nil
        }

        for scalar in text.unicodeScalars {
            guard scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) else {
                flush()
                continue
            }
            if let previous, scalar.properties.isUppercase, previous.properties.isLowercase {
                // "CheckFailed" → "check" | "failed": a camel-case boundary.
                parts.append(String(word[partStart...]).lowercased())
                partStart = word.endIndex
            }
            word.append(scalar)
            previous = scalar
        }
        flush()
    }

    /// A deliberately light stemmer: plural and tense endings only. Anything smarter
    /// mangles the identifiers, service names and error strings runbooks are full of.
    static func stem(_ word: String) -> String {
        guard word.utf8.allSatisfy({ $0 < 0x80 }) else { return word }
        return stem(Array(word.utf8)[...]) ?? word
    }

    /// The stemmed word, or nil when no ending applies. Works on the word's indices: this
    /// runs for every word of every query, and copying the bytes to trim them cost more
    /// than the rest of the tokenizer.
    private static func stem(_ word: ArraySlice<UInt8>) -> String? {
        let start = word.startIndex
        var end = word.endIndex
        func endsWith(_ suffix: StaticString) -> Bool {
            let count = suffix.utf8CodeUnitCount
            guard end - start >= count else { return false }
            for offset in 0..<count where word[end - count + offset] != suffix.utf8Start[offset] { return false }
            return true
        }
        if end - start > 4, endsWith("ies") {
            // "ies" → "y": no later ending applies to a word ending in "y".
            return String(decoding: word[start..<(end - 3)], as: UTF8.self) + "y"
        }
        if end - start > 3, endsWith("s"), !endsWith("ss"), !endsWith("us"), !endsWith("is") {
            end -= 1
        }
        if end - start > 5, endsWith("ing") {
            end -= 3
        } else if end - start > 5, endsWith("ed") {
            end -= 2
        } else if end - start > 5, endsWith("e") {
            end -= 1
        }
        return end == word.endIndex ? nil : String(decoding: word[start..<end], as: UTF8.self)
    }

    static let stopWords: Set<String> = [
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "from", "by", "with",
        "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those",
        "as", "if", "then", "than", "after", "before", "do", "does", "did", "what", "how", "why",
        "when", "who", "which", "we", "you", "my", "our", "your", "me", "us", "so", "but", "can",
        "could", "should", "would", "will", "into", "about", "all", "any", "some", "has", "have", "had",
        "there", "here", "just", "now", "get", "got", "i", "im", "there", "please", "help",
    ]
}
