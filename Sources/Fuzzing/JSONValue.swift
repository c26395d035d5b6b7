/// A JSON document as the fuzzer builds it. Numbers are kept as their text and `raw`
/// holds bytes written as they are, so the serializer can produce what no JSON encoder
/// would: `NaN`, `1e999`, lone surrogate escapes, invalid UTF-8 inside a string.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case raw([UInt8])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.bytes == rhs.bytes
    }

    public var bytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    func write(to out: inout [UInt8]) {
        switch self {
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string(let text):
            Self.writeString(text, to: &out)
        case .number(let text):
            out.append(contentsOf: text.utf8)
        case .bool(let value):
            out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null:
            out.append(contentsOf: "null".utf8)
        case .raw(let bytes):
            out.append(contentsOf: bytes)
        }
    }

    static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Runs that need no escaping are copied whole: strings reach megabytes, and the
            // generator must not be the slow part of a run.
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                if byte < 0x20 {
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                } else {
                    out += [UInt8(ascii: "\\"), byte]
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The value at `path` (object member or array element indices), replaced by `transform`.
    func replacing(at path: ArraySlice<Int>, _ transform: (JSONValue) -> JSONValue?) -> JSONValue? {
        guard let step = path.first else { return transform(self) }
        switch self {
        case .object(var members) where step < members.count:
            if let value = members[step].1.replacing(at: path.dropFirst(), transform) {
                members[step].1 = value
            } else {
                members.remove(at: step)
            }
            return .object(members)
        case .array(var elements) where step < elements.count:
            if let value = elements[step].replacing(at: path.dropFirst(), transform) {
                elements[step] = value
            } else {
                elements.remove(at: step)
            }
            return .array(elements)
        default:
            return transform(self)
        }
    }

    /// Every path into the document, parents before children.
    var paths: [[Int]] {
        var result: [[Int]] = [[]]
        switch self {
        case .object(let members):
            for (index, member) in members.enumerated() { result += member.1.paths.map { [index] + $0 } }
        case .array(let elements):
            for (index, element) in elements.enumerated() { result += element.paths.map { [index] + $0 } }
        default:
            break
        }
        return result
    }
}
