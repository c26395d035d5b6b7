/// How each target turns its valid samples into inputs: mostly structured mutations, some
/// byte mutations on top, a few samples left valid so the accepting paths run too.
enum Documents {
    /// A JSON document of at most `limit` bytes, made from one of `samples`.
    static func json(_ samples: [JSONValue], limit: Int, _ random: inout SplitMix64, log: inout [String]) -> [UInt8] {
        var bytes: [UInt8]
        switch random.below(16) {
        case 0, 1:
            bytes = random.pick(samples).bytes
        case 2:
            // A root that is not an object at all.
            let root = random.pick([JSONValue.array([]), .string("x"), .number("1e300"), .null, .bool(false)])
            // As deep as fits in the limit, far past the 512 levels JSONDecoder reads.
            bytes = JSONMutations.nest(root, depth: random.size(upTo: min(100_000, limit / 5)), inObjects: random.chance(1, in: 2)).bytes
            log.append("nested root")
        case 3, 4, 5:
            bytes = random.pick(samples).bytes
            ByteMutations.mutate(&bytes, limit: limit, &random, log: &log)
        default:
            bytes = JSONMutations.mutate(random.pick(samples), limit: limit, &random, log: &log).bytes
            if random.chance(1, in: 4) { ByteMutations.mutate(&bytes, limit: limit, &random, log: &log) }
        }
        if bytes.count > limit {
            bytes.removeLast(bytes.count - limit)
            log.append("cut at the limit")
        }
        return bytes
    }

    /// `application/x-www-form-urlencoded` escaping of any bytes, valid UTF-8 or not, as
    /// a client would send them.
    static func percentEncoded(_ bytes: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return out
    }

    /// A form body of `fields`, escaped or (to break its structure) written raw.
    static func form(_ fields: [(String, [UInt8])], escaped: Bool) -> [UInt8] {
        var out: [UInt8] = []
        for (index, (name, value)) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "&")) }
            out += escaped ? percentEncoded(Array(name.utf8)) : Array(name.utf8)
            out.append(UInt8(ascii: "="))
            out += escaped ? percentEncoded(value) : value
        }
        return out
    }
}
