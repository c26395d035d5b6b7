import Foundation
import RunbookModel

/// A strict reader of the iCalendar subset the bot writes, so tests check the output the
/// way a calendar app reads it: CRLF line endings, lines of at most 75 octets, folded lines
/// joined, properties split into name, parameters and value, TEXT unescaped.
public struct ICalendarParser {
    public struct Property: Equatable {
        public var name: String
        public var parameters: [String: String]
        /// As written, escapes included.
        public var rawValue: String
        /// TEXT-unescaped.
        public var text: String { ICalendarParser.unescape(rawValue) }
    }

    public struct Component {
        public var name: String
        public var properties: [Property] = []
        public var children: [Component] = []

        public func value(_ name: String) -> String? { properties.first { $0.name == name }?.text }
        public func raw(_ name: String) -> String? { properties.first { $0.name == name }?.rawValue }
    }

    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    /// The VCALENDAR in `text`.
    public static func parse(_ text: String) throws -> Component {
        var stack: [Component] = []
        var finished: Component?
        for line in try unfold(text) {
            let property = try contentLine(line)
            switch property.name {
            case "BEGIN":
                stack.append(Component(name: property.rawValue))
            case "END":
                guard let component = stack.popLast(), component.name == property.rawValue else {
                    throw Malformed(description: "END:\(property.rawValue) closes nothing open")
                }
                if stack.isEmpty { finished = component } else { stack[stack.count - 1].children.append(component) }
            default:
                guard !stack.isEmpty else { throw Malformed(description: "property outside a component: \(line)") }
                stack[stack.count - 1].properties.append(property)
            }
        }
        guard stack.isEmpty, let calendar = finished, calendar.name == "VCALENDAR" else {
            throw Malformed(description: "not one complete VCALENDAR")
        }
        return calendar
    }

    /// Logical lines: physical lines split at CRLF only, continuation lines (starting with a
    /// space or tab) joined to the line before. Rejects bare CR or LF and lines over 75 octets.
    public static func unfold(_ text: String) throws -> [String] {
        let bytes = Array(text.utf8)
        var physical: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 {
                guard index + 1 < bytes.count, bytes[index + 1] == 10 else { throw Malformed(description: "bare CR") }
                physical.append(current)
                current = []
                index += 2
                continue
            }
            if byte == 10 { throw Malformed(description: "bare LF") }
            current.append(byte)
            index += 1
        }
        guard current.isEmpty else { throw Malformed(description: "the last line does not end with CRLF") }
        var logical: [[UInt8]] = []
        for line in physical {
            guard line.count <= 75 else {
                throw Malformed(description: "line of \(line.count) octets: \(String(decoding: line, as: UTF8.self))")
            }
            if let first = line.first, first == 32 || first == 9 {
                guard !logical.isEmpty else { throw Malformed(description: "continuation with no line before it") }
                logical[logical.count - 1] += line.dropFirst()
            } else {
                logical.append(line)
            }
        }
        return try logical.map { line in
            // Folding between bytes of one character would leave invalid UTF-8 in a physical line;
            // the joined line must be valid UTF-8 either way.
            guard let text = String(validating: line, as: UTF8.self) else { throw Malformed(description: "invalid UTF-8") }
            return text
        }
    }

    /// `NAME;PARAM=value:VALUE`. The value starts at the first colon outside quotes.
    public static func contentLine(_ line: String) throws -> Property {
        var inQuotes = false
        guard let colon = line.firstIndex(where: { character in
            if character == "\"" { inQuotes.toggle() }
            return character == ":" && !inQuotes
        }) else { throw Malformed(description: "no colon: \(line)") }
        let head = line[..<colon].split(separator: ";").map(String.init)
        guard let name = head.first, !name.isEmpty else { throw Malformed(description: "no name: \(line)") }
        var parameters: [String: String] = [:]
        for parameter in head.dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw Malformed(description: "bad parameter: \(line)") }
            parameters[parts[0]] = parts[1]
        }
        return Property(name: name, parameters: parameters, rawValue: String(line[line.index(after: colon)...]))
    }

    /// RFC 5545 TEXT: `\\`, `\;`, `\,`, `\n`/`\N`.
    public static func unescape(_ value: String) -> String {
        var result = ""
        var escaping = false
        for character in value {
            if escaping {
                switch character {
                case "n", "N": result.append("\n")
                default: result.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// A DATE-TIME in UTC form (`20260330T080000Z`).
    public static func utcInstant(_ value: String) throws -> Date {
        let digits = value.filter(\.isNumber)
        guard value.count == 16, value.hasSuffix("Z"), value.dropFirst(8).first == "T", digits.count == 14,
              let date = CalendarDate(parsing: "\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.dropFirst(6).prefix(2))")
        else { throw Malformed(description: "not a UTC DATE-TIME: \(value)") }
        let time = Array(digits.dropFirst(8)).map { Int(String($0))! }
        let seconds = (time[0] * 10 + time[1]) * 3_600 + (time[2] * 10 + time[3]) * 60 + time[4] * 10 + time[5]
        return Date(timeIntervalSince1970: TimeInterval(date.daysSinceEpoch * 86_400 + seconds))
    }
}

