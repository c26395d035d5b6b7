/// Turns text into search terms the same way for runbooks and for queries, so that
/// `ConditionalCheckFailedException`, `invoice-parser errors > 5/min` and a tired
/// `throttling dynamo` all meet the words the runbook was written with.
enum Tokenizer {
    /// Lowercased, lightly stemmed terms, without stop words. Camel-case words also
    /// yield their parts, so a pasted exception name matches both ways.
    static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        forEachWord(in: text) { word, parts in
            appendTerm(word, to: &terms)
            if parts.count > 1 {
                for part in parts { appendTerm(part, to: &terms) }
            }
        }
        return terms
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
        var bytes = Array(word.utf8)
        func hasSuffix(_ suffix: String) -> Bool {
            let s = Array(suffix.utf8)
            return bytes.count >= s.count && Array(bytes[(bytes.count - s.count)...]) == s
        }
        if bytes.count > 4, hasSuffix("ies") {
            bytes.removeLast(3)
            bytes.append(UInt8(ascii: "y"))
        } else if bytes.count > 3, hasSuffix("s"), !hasSuffix("ss"), !hasSuffix("us"), !hasSuffix("is") {
            bytes.removeLast()
        }
        if bytes.count > 5, hasSuffix("ing") {
            bytes.removeLast(3)
        } else if bytes.count > 5, hasSuffix("ed") {
            bytes.removeLast(2)
        } else if bytes.count > 5, hasSuffix("e") {
            bytes.removeLast()
        }
        return String(decoding: bytes, as: UTF8.self)
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
