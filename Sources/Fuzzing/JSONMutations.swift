/// Mutations that know JSON: a value of the wrong type, a hostile number or string, a
/// missing or extra member, nesting far past any real payload. The document stays
/// well-formed, so the decoder's own logic is reached rather than its syntax check.
public enum JSONMutations {
    public static func mutate(_ value: JSONValue, limit: Int, _ random: inout SplitMix64, log: inout [String]) -> JSONValue {
        var value = value
        for _ in 0..<random.int(in: 1...3) {
            let paths = value.paths
            let path = random.pick(paths)
            let (replaced, what) = replacement(limit: limit, &random)
            value = value.replacing(at: path[...]) { old in replaced(old) } ?? .null
            log.append(what)
        }
        return value
    }

    /// A transformation of one value, and its name for the log. Nil from the transformation
    /// removes the value (a missing member).
    static func replacement(limit: Int, _ random: inout SplitMix64) -> ((JSONValue) -> JSONValue?, String) {
        switch random.below(10) {
        case 0:
            return ({ _ in nil }, "member removed")
        case 1:
            let number = random.pick(Hostile.numbers)
            // Not every hostile number is valid JSON; written raw on purpose.
            return ({ _ in .number(number) }, "number \(number)")
        case 2:
            let text = Hostile.text(&random, maximum: min(limit, FuzzLimits.longWord))
            return ({ _ in .string(text) }, "hostile string")
        case 3:
            let wrong: JSONValue = random.pick([.bool(true), .null, .number("1"), .array([]), .object([]), .string("")])
            return ({ _ in wrong }, "wrong type")
        case 4:
            let depth = random.size(upTo: 4096)
            let open = random.chance(1, in: 2)
            return ({ inner in nest(inner, depth: depth, inObjects: open) }, "nested \(depth) deep")
        case 5:
            let key = random.pick(["type", "payload", "envelope_id", "user", "id", "actions", "event", "ok", "error", "extra", ""])
            let extra = Hostile.text(&random, maximum: 256)
            return ({ old in
                if case .object(var members) = old {
                    members.append((key, .string(extra)))
                    return .object(members)
                }
                return old
            }, "member '\(key)' added")
        case 6:
            let bytes = random.pick(Hostile.invalidUTF8)
            return ({ _ in .raw([UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\"")]) }, "invalid UTF-8 string")
        case 7:
            let escape = random.pick(["\\ud800", "\\udfff", "\\ud800\\u0041", "\\u0000", "\\uZZZZ", "\\x41", "\\"])
            return ({ _ in .raw(Array("\"a\(escape)b\"".utf8)) }, "escape \(escape)")
        case 8:
            // Many elements: a list of actions or users far longer than Slack sends.
            let count = random.size(upTo: max(1, limit / 16))
            return ({ old in
                // No more copies than fit in the limit; written once and copied as bytes.
                let element = old.bytes
                let copies = min(count, limit / (element.count + 1))
                return .raw([UInt8(ascii: "[")] + ByteMutations.repeated(element, count: copies, separator: [UInt8(ascii: ",")]) + [UInt8(ascii: "]")])
            }, "repeated up to \(count) times")
        default:
            let text = Hostile.longWord(random.size(upTo: limit))
            return ({ _ in .string(text) }, "string of \(text.utf8.count) bytes")
        }
    }

    /// `inner` wrapped in `depth` arrays or objects.
    public static func nest(_ inner: JSONValue, depth: Int, inObjects: Bool) -> JSONValue {
        // Written as bytes: building `depth` enum values would make the generator, not the
        // decoder, the slow part.
        let open = Array((inObjects ? "{\"a\":" : "[").utf8)
        let close = Array((inObjects ? "}" : "]").utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(depth * (open.count + close.count) + 16)
        for _ in 0..<depth { bytes.append(contentsOf: open) }
        bytes.append(contentsOf: inner.bytes)
        for _ in 0..<depth { bytes.append(contentsOf: close) }
        return .raw(bytes)
    }
}
