import Yams

/// Reads one YAML document field by field, collecting every problem instead of stopping
/// at the first, and remembering where each field was so later checks can point at it.
final class YAMLReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// Position of every value read, by field path.
    private(set) var positions: [FieldPath: Mark] = [:]

    init(file: String) {
        self.file = file
    }

    func error(_ message: String, at path: FieldPath, mark: Mark? = nil) {
        report(.error, message, at: path, mark: mark)
    }

    func warning(_ message: String, at path: FieldPath, mark: Mark? = nil) {
        report(.warning, message, at: path, mark: mark)
    }

    private func report(_ level: Diagnostic.Level, _ message: String, at path: FieldPath, mark: Mark?) {
        let mark = mark ?? position(of: path)
        diagnostics.append(Diagnostic(
            level: level, file: file, line: mark?.line, column: mark?.column,
            path: path.description, message: message
        ))
    }

    /// The recorded position of `path`, or of its nearest recorded parent.
    func position(of path: FieldPath) -> Mark? {
        var candidate = path.description
        while true {
            if let mark = positions[FieldPath.root.appendingRaw(candidate)] { return mark }
            guard let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            candidate = String(candidate[..<cut])
        }
    }

    func record(_ node: Node, at path: FieldPath) {
        if let mark = node.mark { positions[path] = mark }
    }

    // MARK: Typed access

    /// The node as a mapping whose keys must all be in `allowedKeys`; any keys when nil (a
    /// mapping keyed by the user's own names).
    func mapping(_ node: Node, at path: FieldPath, allowedKeys: [String]?) -> MappingReader? {
        record(node, at: path)
        guard case .mapping(let mapping) = node else {
            error("expected a mapping (key: value lines), found \(node.kindDescription)", at: path, mark: node.mark)
            return nil
        }
        var values: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                error("keys must be plain words", at: path, mark: keyNode.mark)
                continue
            }
            let valuePath = path.appending(key)
            if let allowedKeys, !allowedKeys.contains(key) {
                var message = "unknown key '\(key)'"
                if let suggestion = closestWord(to: key, in: allowedKeys) {
                    message += " (did you mean '\(suggestion)'?)"
                } else {
                    message += " (allowed: \(allowedKeys.joined(separator: ", ")))"
                }
                error(message, at: valuePath, mark: keyNode.mark)
                continue
            }
            values[key] = value
            record(value, at: valuePath)
        }
        return MappingReader(reader: self, path: path, mark: node.mark, values: values)
    }

    func string(_ node: Node, at path: FieldPath) -> String? {
        record(node, at: path)
        guard case .scalar(let scalar) = node else {
            error("expected text, found \(node.kindDescription)", at: path, mark: node.mark)
            return nil
        }
        let text = scalar.string.trimmingWhitespace()
        guard !text.isEmpty else {
            error("must not be empty", at: path, mark: node.mark)
            return nil
        }
        return text
    }

    /// A list of text; a single value is accepted as a list of one.
    func strings(_ node: Node, at path: FieldPath) -> [String] {
        if case .scalar = node { return string(node, at: path).map { [$0] } ?? [] }
        return sequence(node, at: path).compactMap { string($0.node, at: $0.path) }
    }

    func sequence(_ node: Node, at path: FieldPath) -> [(node: Node, path: FieldPath)] {
        record(node, at: path)
        guard case .sequence(let sequence) = node else {
            error("expected a list (lines starting with '- '), found \(node.kindDescription)", at: path, mark: node.mark)
            return []
        }
        return sequence.enumerated().map { index, element in
            let elementPath = path.appending(index: index)
            record(element, at: elementPath)
            return (element, elementPath)
        }
    }
}

/// The keys of one mapping, read with a stated requirement each.
struct MappingReader {
    let reader: YAMLReader
    let path: FieldPath
    let mark: Mark?
    let values: [String: Node]

    func node(_ key: String, required: Bool) -> Node? {
        if let node = values[key] { return node }
        if required {
            reader.error("missing required field '\(key)'", at: path.appending(key), mark: mark)
        }
        return nil
    }

    func string(_ key: String, required: Bool = true) -> String? {
        node(key, required: required).flatMap { reader.string($0, at: path.appending(key)) }
    }

    func strings(_ key: String, required: Bool = false) -> [String] {
        guard let node = node(key, required: required) else { return [] }
        let list = reader.strings(node, at: path.appending(key))
        if required, list.isEmpty, case .sequence = node {
            reader.error("must list at least one item", at: path.appending(key), mark: node.mark)
        }
        return list
    }

    func mapping(_ key: String, required: Bool = true, allowedKeys: [String]?) -> MappingReader? {
        node(key, required: required).flatMap {
            reader.mapping($0, at: path.appending(key), allowedKeys: allowedKeys)
        }
    }

    func sequence(_ key: String, required: Bool = false) -> [(node: Node, path: FieldPath)] {
        guard let node = node(key, required: required) else { return [] }
        let items = reader.sequence(node, at: path.appending(key))
        if required, items.isEmpty, case .sequence = node {
            reader.error("must list at least one item", at: path.appending(key), mark: node.mark)
        }
        return items
    }

    /// Ids are lowercase words joined by hyphens, so they read well in commands and links.
    func identifier(_ key: String) -> String? {
        guard let id = string(key) else { return nil }
        let valid = id.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
        guard valid, id.first != "-", id.last != "-" else {
            reader.error("'\(id)' is not a valid id: use lowercase letters, digits and hyphens", at: path.appending(key))
            return nil
        }
        return id
    }

    func duration(_ key: String, required: Bool = true) -> RunbookDuration? {
        guard let text = string(key, required: required) else { return nil }
        guard let duration = RunbookDuration(parsing: text) else {
            reader.error("'\(text)' is not a duration; write it like 90s, 15m or 1h30m", at: path.appending(key))
            return nil
        }
        return duration
    }

    func date(_ key: String, required: Bool = true) -> CalendarDate? {
        guard let text = string(key, required: required) else { return nil }
        guard let date = CalendarDate(parsing: text) else {
            reader.error("'\(text)' is not a date; write it as YYYY-MM-DD", at: path.appending(key))
            return nil
        }
        return date
    }

    func integer(_ key: String, required: Bool = true) -> Int? {
        guard let text = string(key, required: required) else { return nil }
        guard let value = Int(text) else {
            reader.error("'\(text)' is not a whole number", at: path.appending(key))
            return nil
        }
        return value
    }

    func choice<Choice: RawRepresentable & CaseIterable>(
        _ key: String, required: Bool = true, as: Choice.Type
    ) -> Choice? where Choice.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        guard let value = Choice(rawValue: text.lowercased()) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            reader.error("'\(text)' is not one of \(allowed)", at: path.appending(key))
            return nil
        }
        return value
    }
}

extension FieldPath {
    fileprivate func appendingRaw(_ raw: String) -> FieldPath {
        raw.isEmpty ? .root : FieldPath.root.appending(raw)
    }
}

extension Node {
    var kindDescription: String {
        switch self {
        case .scalar(let scalar): "the value '\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

/// The candidate within two edits of `word`, for "did you mean" hints.
func closestWord(to word: String, in candidates: [String]) -> String? {
    candidates
        .map { ($0, EditDistance.optimalStringAlignment(Array(word.utf8), Array($0.utf8), limit: 2)) }
        .filter { $0.1 <= 2 }
        .min { $0.1 < $1.1 }?
        .0
}
