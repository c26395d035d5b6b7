import Foundation

/// An inverted index over every runbook entry, scored with BM25 over weighted fields.
///
/// Built once when the runbooks load; a lookup touches only the postings of the query's
/// terms (and their prefix and typo expansions), never every entry.
public struct SearchIndex: Sendable {
    public struct Match: Hashable, Sendable {
        public var entry: EntryID
        public var title: String
        public var score: Double
    }

    public struct Result: Sendable {
        public var query: String
        /// The system the query was narrowed to, when it named one.
        public var scope: String?
        /// Best first: the answer, then ranked alternatives.
        public var matches: [Match]
        /// When nothing matched: entries whose titles look most like the query.
        public var suggestions: [Match]

        public var best: Match? { matches.first }
        public var alternatives: ArraySlice<Match> { matches.dropFirst() }
    }

    private struct Posting {
        var entry: Int32
        var frequency: Float
    }

    private struct Document {
        var entry: EntryID
        var title: String
        var system: Int32
        var boost: Float
        /// BM25's length normalisation term, precomputed: k1 · (1 − b + b · length / average).
        var lengthNorm: Float
        /// How many distinct character trigrams its title and aliases have, for suggestions.
        var trigramCount: Int
    }

    private static let k1: Float = 1.2
    private static let b: Float = 0.5
    private static let exactNameBonus: Float = 1.5

    private var vocabulary = Vocabulary()
    private var postings: [[Posting]] = []
    private var idf: [Float] = []
    private var documents: [Document] = []
    private var systemIDs: [String] = []
    /// Character trigram of a title or alias → documents, for suggestions when nothing matches.
    private var trigramPostings: [UInt32: [Int32]] = [:]
    /// A title's or alias's terms → documents, so a query that is exactly an entry's name
    /// wins. Keyed by the terms themselves, not their joined text: a query's words are
    /// looked up as a slice of its term array, with no string built per lookup.
    private var exactNames: [ArraySlice<String>: [Int32]] = [:]
    /// The most terms any of those names has: a longer query is no entry's name.
    private var longestExactName = 0
    /// A system id's, alias's or title's terms → system indices, for scoping.
    private var systemNames: [ArraySlice<String>: [Int32]] = [:]
    /// Every word of every system name: a query without any of them names no system.
    private var systemNameWords: Set<String> = []
    private var longestSystemName = 1

    public var entryCount: Int { documents.count }
    public var termCount: Int { vocabulary.terms.count }

    public init(runbooks: [Runbook]) {
        var lengths: [Float] = []
        for (systemIndex, runbook) in runbooks.enumerated() {
            systemIDs.append(runbook.system.id)
            for name in [runbook.system.id, runbook.system.title] + runbook.system.aliases {
                let terms = Tokenizer.terms(name)
                guard !terms.isEmpty else { continue }
                systemNames[terms[...], default: []].append(Int32(systemIndex))
                systemNameWords.formUnion(terms)
                longestSystemName = max(longestSystemName, terms.count)
            }
            for document in SearchDocument.documents(for: runbook) {
                lengths.append(add(document, system: Int32(systemIndex)))
            }
        }
        let average = max(1, lengths.reduce(0, +) / Float(max(1, lengths.count)))
        for index in documents.indices {
            documents[index].lengthNorm = Self.k1 * (1 - Self.b + Self.b * lengths[index] / average)
        }
        let count = Float(documents.count)
        idf = postings.map { list in
            let frequency = Float(list.count)
            return log(1 + (count - frequency + 0.5) / (frequency + 0.5))
        }
        vocabulary.finish()
    }

    /// Adds a document's weighted term frequencies; returns its length in terms.
    private mutating func add(_ document: SearchDocument, system: Int32) -> Float {
        let index = Int32(documents.count)
        for name in [document.title] + document.aliases {
            let terms = Tokenizer.terms(name)
            if !terms.isEmpty {
                exactNames[terms[...], default: []].append(index)
                longestExactName = max(longestExactName, terms.count)
            }
        }
        var frequencies: [Int32: Float] = [:]
        var length: Float = 0
        for field in document.fields {
            for term in Tokenizer.terms(field.text) {
                frequencies[vocabulary.id(for: term), default: 0] += field.weight
                length += 1
            }
        }
        for (term, frequency) in frequencies {
            if Int(term) >= postings.count { postings.append(contentsOf: repeatElement([], count: Int(term) - postings.count + 1)) }
            postings[Int(term)].append(Posting(entry: index, frequency: frequency))
        }
        let trigrams = Self.trigrams(of: ([document.title] + document.aliases).joined(separator: " "))
        for trigram in trigrams { trigramPostings[trigram, default: []].append(index) }
        documents.append(Document(
            entry: document.entry, title: document.title, system: system, boost: document.boost, lengthNorm: 0,
            trigramCount: trigrams.count
        ))
        return length
    }

    // MARK: Searching

    /// Bounds on one query's work, whatever its length: the distinct words ranked, and the
    /// unknown words among them that are matched by prefix or typo.
    static let maximumQueryTerms = 64
    static let maximumFuzzyTerms = 16
    /// Only a query's first 4 KiB is searched. Lowercasing and splitting cost time in
    /// proportion to the text, and some letters grow when lowercased ("İ" becomes two
    /// scalars), so the bound is on the bytes read, not on the words found. A pasted log
    /// line fits; a longer paste is matched on its start.
    static let maximumQueryBytes = 4 * 1024

    public func search(_ query: String, limit: Int = 4) -> Result {
        let searched = Self.searchedPart(of: query)
        var terms = Tokenizer.terms(searched)
        let scope = extractScope(from: &terms)
        var matches: [Match] = []
        if let scope, terms.isEmpty {
            // "/runbook invoice": the system itself is the answer.
            if let overview = documents.first(where: { $0.entry.kind == .overview && $0.entry.system == systemIDs[Int(scope[0])] }) {
                matches = [Match(entry: overview.entry, title: overview.title, score: 1)]
            }
        } else {
            matches = rank(terms, in: scope, limit: limit)
            if matches.isEmpty, scope != nil {
                // The system word may have been meant as content: try again across everything.
                matches = rank(Tokenizer.terms(searched), in: nil, limit: limit)
            }
        }
        let scopeID = scope.flatMap { $0.count == 1 ? systemIDs[Int($0[0])] : nil }
        return Result(
            query: query, scope: scopeID, matches: matches,
            suggestions: matches.isEmpty ? suggestions(for: searched, limit: 3) : []
        )
    }

    /// The start of `query` that is searched: at most `maximumQueryBytes`. A letter cut in
    /// two becomes U+FFFD, which no term contains.
    static func searchedPart(of query: String) -> String {
        guard query.utf8.count > maximumQueryBytes else { return query }
        return String(decoding: query.utf8.prefix(maximumQueryBytes), as: UTF8.self)
    }

    /// System ids whose id, title or alias appears in `text`.
    public func systems(matching text: String) -> [String] {
        var terms = Tokenizer.terms(Self.searchedPart(of: text))
        return extractScope(from: &terms).map { $0.map { systemIDs[Int($0)] } } ?? []
    }

    /// Removes the words that name a system and returns that system's indices.
    private func extractScope(from terms: inout [String]) -> [Int32]? {
        guard terms.contains(where: systemNameWords.contains) else { return nil }
        for width in stride(from: min(longestSystemName, terms.count), through: 1, by: -1) {
            // A name starts with one of its words: most windows are ruled out by one probe.
            for start in 0...(terms.count - width) where systemNameWords.contains(terms[start]) {
                if let systems = systemNames[terms[start..<(start + width)]] {
                    terms.removeSubrange(start..<(start + width))
                    return systems
                }
            }
        }
        return nil
    }

    private func rank(_ terms: [String], in scope: [Int32]?, limit: Int) -> [Match] {
        guard !terms.isEmpty else { return [] }
        var scores = [Float](repeating: 0, count: documents.count)
        var touched: [Int32] = []
        let distinct = distinctInOrder(terms)
        var fuzzyLeft = Self.maximumFuzzyTerms
        for term in distinct.prefix(Self.maximumQueryTerms) {
            for (termID, weight) in expansions(of: term, fuzzy: &fuzzyLeft) {
                let termIDF = idf[Int(termID)] * weight
                for posting in postings[Int(termID)] {
                    let document = documents[Int(posting.entry)]
                    if let scope, !scope.contains(document.system) { continue }
                    let frequency = posting.frequency
                    let contribution = termIDF * frequency * (Self.k1 + 1) / (frequency + document.lengthNorm)
                    if scores[Int(posting.entry)] == 0 { touched.append(posting.entry) }
                    scores[Int(posting.entry)] += contribution
                }
            }
        }
        // A query that is exactly an entry's title or alias ("backlog") names that entry.
        let exactlyNamed = distinct.count <= longestExactName ? exactNames[distinct[...]] ?? [] : []
        for entry in exactlyNamed where scores[Int(entry)] > 0 {
            scores[Int(entry)] *= Self.exactNameBonus
        }
        // Keep the best `limit` without sorting everything that was touched.
        var best: [(entry: Int32, score: Float)] = []
        for entry in touched {
            let score = scores[Int(entry)] * documents[Int(entry)].boost
            guard best.count < limit || score > best[best.count - 1].score else { continue }
            let position = best.firstIndex { score > $0.score } ?? best.count
            best.insert((entry, score), at: position)
            if best.count > limit { best.removeLast() }
        }
        return best.map {
            let document = documents[Int($0.entry)]
            return Match(entry: document.entry, title: document.title, score: Double($0.score))
        }
    }

    /// Each term once, where it first appears. A typed query is a few words, which are
    /// compared directly: hashing them into a set cost more (measured with `perf` on the
    /// benchmark's queries). A longer paste goes through a set.
    private func distinctInOrder(_ terms: [String]) -> [String] {
        guard terms.count > 8 else {
            var distinct: [String] = []
            for term in terms where !distinct.contains(term) { distinct.append(term) }
            return distinct
        }
        var seen = Set<String>(minimumCapacity: terms.count)
        return terms.filter { seen.insert($0).inserted }
    }

    /// The index terms a query term stands for, with how much each counts.
    /// `fuzzy` counts down the unknown words that may still be stretched in this query.
    private func expansions(of term: String, fuzzy: inout Int) -> [(Int32, Float)] {
        var result: [(Int32, Float)] = []
        let exact = vocabulary.ids[term]
        if let exact { result.append((exact, 1)) }
        // A word the index knows is taken as meant; only unknown words are stretched to
        // longer words they begin (`dynam` → `dynamodb`) or to the words they misspell.
        guard exact == nil, fuzzy > 0 else { return result }
        fuzzy -= 1
        if term.utf8.count >= 4 {
            for extended in vocabulary.extensions(of: term, limit: 5) { result.append((extended, 0.8)) }
        }
        for correction in vocabulary.corrections(of: term) {
            result.append((correction.term, correction.distance == 1 ? 0.75 : 0.5))
        }
        return result
    }

    // MARK: Suggestions

    /// Entries whose title or aliases share the most character trigrams with the query
    /// (Dice coefficient), found through the trigram postings rather than a scan.
    private func suggestions(for query: String, limit: Int) -> [Match] {
        let wanted = Self.trigrams(of: query)
        guard !wanted.isEmpty else { return [] }
        var shared: [Int32: Int] = [:]
        for trigram in wanted {
            for document in trigramPostings[trigram] ?? [] { shared[document, default: 0] += 1 }
        }
        var scored: [(document: Int32, similarity: Double)] = []
        for (document, count) in shared {
            let similarity = 2 * Double(count) / Double(wanted.count + documents[Int(document)].trigramCount)
            if similarity >= 0.2 { scored.append((document, similarity)) }
        }
        return scored.sorted { ($0.similarity, $1.document) > ($1.similarity, $0.document) }.prefix(limit).map {
            let document = documents[Int($0.document)]
            return Match(entry: document.entry, title: document.title, score: $0.similarity)
        }
    }

    private static func trigrams(of text: String) -> [UInt32] {
        var letters: [UInt8] = [UInt8(ascii: " ")]
        for byte in text.lowercased().utf8 {
            let isWordByte = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            let next = isWordByte ? byte : UInt8(ascii: " ")
            if next == UInt8(ascii: " "), letters.last == UInt8(ascii: " ") { continue }
            letters.append(next)
        }
        if letters.last != UInt8(ascii: " ") { letters.append(UInt8(ascii: " ")) }
        guard letters.count >= 3 else { return [] }
        var grams = Set<UInt32>()
        for index in 0...(letters.count - 3) {
            grams.insert(UInt32(letters[index]) << 16 | UInt32(letters[index + 1]) << 8 | UInt32(letters[index + 2]))
        }
        return Array(grams)
    }
}
