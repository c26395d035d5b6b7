/// The index's terms, with two ways to find a term the user did not type exactly:
/// prefixes (`dynamo` → `dynamodb`) and typos (`timout` → `timeout`, `dynmdb` → `dynamodb`).
///
/// Typos use symmetric deletion (as in SymSpell): every term is stored under each string
/// made by deleting up to two of its characters; a misspelt query term shares one of
/// those strings with its intended term. Lookup costs a few hash probes instead of an
/// edit-distance scan over the whole vocabulary. The deletion strings are kept only as
/// 64-bit hashes: a collision merely adds a candidate that the edit-distance check drops.
struct Vocabulary: Sendable {
    private(set) var terms: [String] = []
    private(set) var ids: [String: Int32] = [:]
    /// Term ids in lexicographic order of their text, for prefix ranges.
    private var sorted: [Int32] = []
    /// Hash of a deletion string → head of a chain in `deletionLinks`.
    private var deletionHeads: [UInt64: Int32] = [:]
    private var deletionLinks: [(term: Int32, next: Int32)] = []
    /// The longest term, in bytes: a word longer than it by more than two letters cannot be
    /// a typo of any term.
    private var longestTerm = 0

    /// Words longer than this are never corrected. Symmetric deletion costs grow with the
    /// cube of a word's length; no runbook word is this long, and a pasted blob must not
    /// cost seconds of CPU.
    static let longestCorrectableWord = 40

    /// How many typos a term of this length may carry and still be recognised.
    static func allowedTypos(forLength length: Int) -> Int {
        switch length {
        case ..<4: 0
        case 4...6: 1
        default: 2
        }
    }

    mutating func id(for term: String) -> Int32 {
        if let id = ids[term] { return id }
        let id = Int32(terms.count)
        terms.append(term)
        ids[term] = id
        return id
    }

    /// Builds the prefix and typo structures once all terms are known.
    mutating func finish() {
        sorted = terms.indices.map(Int32.init).sorted { terms[Int($0)] < terms[Int($1)] }
        longestTerm = terms.map(\.utf8.count).max() ?? 0
        for (id, term) in terms.enumerated() {
            let bytes = Array(term.utf8)
            let typos = Self.allowedTypos(forLength: bytes.count)
            // No longer query word is corrected, so no longer term can be a correction; its
            // deletions, cubic in its length, would never be looked up. A 5,000-letter word in
            // a runbook kept the index from being built for minutes.
            guard typos > 0, bytes.count <= Self.longestCorrectableWord + Self.allowedTypos(forLength: Self.longestCorrectableWord) else {
                continue
            }
            Self.forEachDeletion(of: bytes, upTo: typos) { key in
                let head = deletionHeads[key] ?? -1
                // All of a term's deletions are added together, so a repeat is always at the head.
                if head >= 0, deletionLinks[Int(head)].term == Int32(id) { return }
                deletionLinks.append((Int32(id), head))
                deletionHeads[key] = Int32(deletionLinks.count - 1)
            }
        }
    }

    /// Terms that start with `prefix` (not the prefix itself), shortest first, at most `limit`.
    func extensions(of prefix: String, limit: Int) -> [Int32] {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if terms[Int(sorted[middle])] < prefix { low = middle + 1 } else { high = middle }
        }
        var found: [Int32] = []
        var index = low
        while index < sorted.count, found.count < limit * 4 {
            let term = terms[Int(sorted[index])]
            guard term.hasPrefix(prefix) else { break }
            if term != prefix { found.append(sorted[index]) }
            index += 1
        }
        return Array(found.sorted { terms[Int($0)].utf8.count < terms[Int($1)].utf8.count }.prefix(limit))
    }

    /// Terms within the allowed number of typos of `word`, with their distance; only the
    /// closest distance found is returned, so one-letter fixes win over two-letter ones.
    func corrections(of word: String) -> [(term: Int32, distance: Int)] {
        let length = word.utf8.count
        let allowed = Self.allowedTypos(forLength: length)
        guard allowed > 0, length <= min(Self.longestCorrectableWord, longestTerm + allowed) else { return [] }
        let bytes = Array(word.utf8)
        var seen = Set<Int32>()
        var best: [(term: Int32, distance: Int)] = []
        var bestDistance = allowed + 1
        Self.forEachDeletion(of: bytes, upTo: allowed) { key in
            var link = deletionHeads[key] ?? -1
            while link >= 0 {
                let (term, next) = deletionLinks[Int(link)]
                link = next
                guard seen.insert(term).inserted else { continue }
                let candidate = Array(terms[Int(term)].utf8)
                let distance = EditDistance.optimalStringAlignment(bytes, candidate, limit: allowed)
                guard distance > 0, distance <= bestDistance else { continue }
                if distance < bestDistance {
                    best.removeAll()
                    bestDistance = distance
                }
                best.append((term, distance))
            }
        }
        return best
    }

    /// Calls `body` with the hash of the word itself and of every string made by deleting
    /// one or (when `count` is 2) two of its characters.
    private static func forEachDeletion(of word: [UInt8], upTo count: Int, _ body: (UInt64) -> Void) {
        body(hash(word, skipping: -1, -1))
        for i in word.indices {
            // Deleting either of two equal neighbours gives the same string.
            if i > 0, word[i] == word[i - 1] { continue }
            body(hash(word, skipping: i, -1))
        }
        guard count >= 2, word.count > 2 else { return }
        for i in word.indices {
            for j in (i + 1)..<word.count {
                body(hash(word, skipping: i, j))
            }
        }
    }

    /// FNV-1a over the word without the bytes at `first` and `second`.
    private static func hash(_ word: [UInt8], skipping first: Int, _ second: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in word.indices where index != first && index != second {
            hash = (hash ^ UInt64(word[index])) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
