import Foundation

/// Renders a rotation's shifts as an RFC 5545 iCalendar document that calendar apps
/// subscribe to: one event per shift, named after whoever is on call.
///
/// Times are written in UTC (`…Z`), so no VTIMEZONE is needed and every app agrees on
/// the instant of a handoff across clock changes.
public enum ICalendar {
    /// - Parameters:
    ///   - names: display names by contact id; an id without one is shown as itself.
    ///   - stamp: when the document was made (each event's required DTSTAMP). Passed in,
    ///     so the same shifts always render the same text.
    public static func render(_ shifts: [Shift], of rotation: Rotation, names: [String: String], stamp: Date) -> String {
        var lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//runbook-bot//On-call rotations//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:" + escape(rotation.name),
        ]
        for shift in shifts {
            let name = names[shift.contact] ?? shift.contact
            let description = shift.isOverride ? "\(rotation.name): on call (override)" : "\(rotation.name): on call"
            lines += [
                "BEGIN:VEVENT",
                // Stable across renders: a calendar app updates the event instead of adding a copy.
                "UID:\(rotation.id)-\(utc(shift.from))@runbook-bot",
                "DTSTAMP:" + utc(stamp),
                "DTSTART:" + utc(shift.from),
                "DTEND:" + utc(shift.until),
                "SUMMARY:" + escape(name),
                "DESCRIPTION:" + escape(description),
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20260330T080000Z`: the basic UTC form of DATE-TIME.
    static func utc(_ instant: Date) -> String {
        let seconds = Int64(instant.timeIntervalSince1970.rounded(.down))
        let day = CalendarDate(unixSeconds: seconds)
        let secondOfDay = Int(seconds - Int64(day.daysSinceEpoch) * 86_400)
        let date = String(day.description.filter { $0 != "-" })
        let two = LocalDateTime.twoDigits
        return "\(date)T\(two(secondOfDay / 3_600))\(two(secondOfDay / 60 % 60))\(two(secondOfDay % 60))Z"
    }

    /// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash;
    /// line breaks become `\n`. Other control characters are not allowed and are dropped.
    static func escape(_ text: String) -> String {
        var result = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\r": result += "\\n"
            case "\n": if !previousWasCR { result += "\\n" }
            case "\t": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Lines longer than 75 octets continue on the next line after a single space
    /// (RFC 5545 §3.1), cut between characters, never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var result = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let width = String(scalar).utf8.count
            if octets + width > 75 {
                result += "\r\n "
                octets = 1
            }
            result.unicodeScalars.append(scalar)
            octets += width
        }
        return result
    }
}
