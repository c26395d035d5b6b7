/// A direct JSON writer for replies. Slash-command replies are written on every request,
/// and writing the few fixed shapes of `SlackMessage` by hand is several times cheaper than
/// going through `JSONEncoder`. `Codable` stays the reference: a test checks both agree.
extension SlackMessage {
    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 + 256)
        out.append(UInt8(ascii: "{"))
        if let responseType {
            out.appendJSONKey("response_type")
            out.appendJSONString(responseType.rawValue)
            out.append(UInt8(ascii: ","))
        }
        out.appendJSONKey("text")
        out.appendJSONString(text)
        if let blocks {
            out.append(UInt8(ascii: ","))
            out.appendJSONKey("blocks")
            out.appendJSONArray(blocks) { $0.appendJSON(to: &$1) }
        }
        if let threadTS {
            out.appendJSONField("thread_ts", threadTS)
        }
        if let replaceOriginal {
            out.append(UInt8(ascii: ","))
            out.appendJSONKey("replace_original")
            out.append(contentsOf: (replaceOriginal ? "true" : "false").utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

extension Block {
    fileprivate func appendJSON(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        out.appendJSONKey("type")
        out.appendJSONString(type)
        if let text {
            out.append(UInt8(ascii: ","))
            out.appendJSONKey("text")
            text.appendJSON(to: &out)
        }
        if let buttons {
            out.append(UInt8(ascii: ","))
            out.appendJSONKey("elements")
            out.appendJSONArray(buttons) { $0.appendJSON(to: &$1) }
        } else if let elements {
            out.append(UInt8(ascii: ","))
            out.appendJSONKey("elements")
            out.appendJSONArray(elements) { $0.appendJSON(to: &$1) }
        }
        out.append(UInt8(ascii: "}"))
    }
}

extension Button {
    fileprivate func appendJSON(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        out.appendJSONKey("type")
        out.appendJSONString(type)
        out.append(UInt8(ascii: ","))
        out.appendJSONKey("text")
        text.appendJSON(to: &out)
        out.appendJSONField("action_id", actionID)
        out.appendJSONField("value", value)
        if let style { out.appendJSONField("style", style) }
        out.append(UInt8(ascii: "}"))
    }
}

extension TextObject {
    fileprivate func appendJSON(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        out.appendJSONKey("type")
        out.appendJSONString(type)
        out.appendJSONField("text", text)
        if let emoji {
            out.append(UInt8(ascii: ","))
            out.appendJSONKey("emoji")
            out.append(contentsOf: (emoji ? "true" : "false").utf8)
        }
        out.append(UInt8(ascii: "}"))
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

extension Array where Element == UInt8 {
    fileprivate mutating func appendJSONArray<Item>(_ items: [Item], _ appendItem: (Item, inout [UInt8]) -> Void) {
        append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { append(UInt8(ascii: ",")) }
            appendItem(item, &self)
        }
        append(UInt8(ascii: "]"))
    }

    /// `,"key":"value"`: a field after the first.
    fileprivate mutating func appendJSONField(_ key: StaticString, _ value: String) {
        append(UInt8(ascii: ","))
        appendJSONKey(key)
        appendJSONString(value)
    }

    fileprivate mutating func appendJSONKey(_ key: StaticString) {
        append(UInt8(ascii: "\""))
        key.withUTF8Buffer { append(contentsOf: $0) }
        append(contentsOf: "\":".utf8)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; the runs
    /// between them are copied whole.
    fileprivate mutating func appendJSONString(_ string: String) {
        append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else { continue }
                append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                switch byte {
                case UInt8(ascii: "\""): append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): append(contentsOf: "\\\\".utf8)
                case UInt8(ascii: "\n"): append(contentsOf: "\\n".utf8)
                case UInt8(ascii: "\r"): append(contentsOf: "\\r".utf8)
                case UInt8(ascii: "\t"): append(contentsOf: "\\t".utf8)
                default:
                    append(contentsOf: "\\u00".utf8)
                    append(hexDigits[Int(byte >> 4)])
                    append(hexDigits[Int(byte & 0x0F)])
                }
                runStart = index + 1
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        append(UInt8(ascii: "\""))
    }
}
