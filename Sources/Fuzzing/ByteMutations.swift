/// Mutations that know nothing about the format: what a broken proxy, a truncated read or
/// a hostile client does to bytes. Each records its name, so a slow or crashing input says
/// how it was made.
public enum ByteMutations {
    /// Bytes that mean something in at least one of the formats.
    static let interesting: [UInt8] = Array("\"\\{}[]:,&=%+*!|>-?#'\n\r\t 0".utf8) + [0x00, 0x7F, 0x80, 0xC0, 0xFF]

    /// Applies one to three mutations, never growing `bytes` past `limit`.
    public static func mutate(_ bytes: inout [UInt8], limit: Int, _ random: inout SplitMix64, log: inout [String]) {
        for _ in 0..<random.int(in: 1...3) {
            mutateOnce(&bytes, limit: limit, &random, log: &log)
        }
        if bytes.count > limit { bytes.removeLast(bytes.count - limit) }
    }

    static func mutateOnce(_ bytes: inout [UInt8], limit: Int, _ random: inout SplitMix64, log: inout [String]) {
        guard !bytes.isEmpty else {
            bytes = Array(Hostile.text(&random, maximum: limit).utf8)
            log.append("hostile text")
            return
        }
        switch random.below(8) {
        case 0:
            bytes.removeLast(random.below(bytes.count) + 1)
            log.append("truncated")
        case 1:
            let index = random.below(bytes.count)
            bytes[index] ^= UInt8(1 << random.below(8))
            log.append("bit flip")
        case 2:
            bytes[random.below(bytes.count)] = random.pick(interesting)
            log.append("byte set")
        case 3:
            bytes.insert(contentsOf: random.pick(Hostile.invalidUTF8), at: random.below(bytes.count + 1))
            log.append("invalid UTF-8")
        case 4:
            let start = random.below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + random.size(upTo: 64)))
            log.append("deleted range")
        case 5:
            let start = random.below(bytes.count)
            let chunk = bytes[start..<min(bytes.count, start + random.size(upTo: 64) + 1)]
            bytes.insert(contentsOf: chunk, at: random.below(bytes.count + 1))
            log.append("duplicated range")
        case 6:
            bytes.insert(contentsOf: Array(Hostile.text(&random, maximum: limit).utf8), at: random.below(bytes.count + 1))
            log.append("hostile text inserted")
        default:
            // Sizes are spread over the powers of two, so only a few reach the limit.
            repeatChunk(&bytes, limit: random.size(upTo: limit), &random)
            log.append("repeated up to \(bytes.count) bytes")
        }
    }

    /// Repeats a slice in place until the input is close to `limit`: the biggest input the
    /// transport lets through, made of something the decoder has to look at.
    public static func repeatChunk(_ bytes: inout [UInt8], limit: Int, _ random: inout SplitMix64) {
        guard !bytes.isEmpty, bytes.count < limit else { return }
        let start = random.below(bytes.count)
        let chunk = Array(bytes[start..<min(bytes.count, start + random.size(upTo: 32) + 1)])
        bytes.insert(contentsOf: repeated(chunk, count: (limit - bytes.count) / chunk.count), at: start)
    }

    /// `count` copies of `bytes` with `separator` between them, built by doubling: inputs
    /// reach megabytes, and the generator must not be the slow part of a run.
    public static func repeated(_ bytes: [UInt8], count: Int, separator: [UInt8] = []) -> [UInt8] {
        guard count > 1 else { return count == 1 ? bytes : [] }
        // Every copy after the first is separator + bytes; those are doubled.
        let unit = separator + bytes
        let wanted = count - 1
        var tail = unit
        var tailCopies = 1
        while tailCopies * 2 <= wanted {
            tail += tail
            tailCopies *= 2
        }
        var out = bytes
        out.reserveCapacity(bytes.count + wanted * unit.count)
        out += tail
        out += tail[0..<((wanted - tailCopies) * unit.count)]
        return out
    }
}
