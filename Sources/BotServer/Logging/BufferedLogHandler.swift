import Foundation
import Logging
import RunbookModel

/// A swift-log handler writing one line per entry through a `LogWriter`, as text —
/// `2026-11-29T02:14:07.123Z info runbook-bot: slash command handled channel=C1 command=/runbook`
/// — or as one JSON object (`LOG_FORMAT=json`) for a log collector:
/// `{"channel":"C1","command":"/runbook","label":"runbook-bot","level":"info","message":"…","time":"…"}`.
/// Metadata is sorted by key, so the same entry always reads the same.
public struct BufferedLogHandler: LogHandler {
    public enum Format: String, Sendable {
        case text, json
    }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let writer: LogWriter
    private let format: Format

    public init(label: String, writer: LogWriter, format: Format = .text) {
        self.label = label
        self.writer = writer
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let entries = sortedMetadata(of: event)
        let line = switch format {
        case .text: LogLine.render(level: event.level, label: label, message: event.message.description, metadata: entries, at: Date())
        case .json: LogLine.json(level: event.level, label: label, message: event.message.description, metadata: entries, at: Date())
        }
        writer.append(line)
    }

    /// Every metadata entry once, sorted by key. The entry's own metadata wins over the
    /// provider's, which wins over the handler's. Gathered into one small array rather than
    /// merged dictionaries: this runs for the audit line of every command.
    private func sortedMetadata(of event: LogEvent) -> [LogLine.Entry] {
        let own = event.metadata ?? [:]
        let provided = metadataProvider?.get() ?? [:]
        var entries: [LogLine.Entry] = []
        entries.reserveCapacity(own.count + provided.count + metadata.count)
        for (key, value) in own { entries.append((key, value)) }
        for (key, value) in provided where own[key] == nil { entries.append((key, value)) }
        for (key, value) in metadata where own[key] == nil && provided[key] == nil { entries.append((key, value)) }
        entries.sort { $0.key < $1.key }
        return entries
    }
}

/// The text of one log line. Written byte by byte into one buffer: the audit line of every
/// command passes here, and string interpolation cost a measurable share of a `/runbook`
/// request in `Benchmarks/run.sh`.
enum LogLine {
    typealias Entry = (key: String, value: Logger.Metadata.Value)

    static func render(level: Logger.Level, label: String, message: String, metadata: [Entry], at date: Date) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(64 + label.utf8.count + message.utf8.count + metadata.count * 40)
        appendTimestamp(date, to: &line)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: level.rawValue.utf8)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: label.utf8)
        line.append(contentsOf: ": ".utf8)
        line.append(contentsOf: message.utf8)
        for (key, value) in metadata {
            line.append(UInt8(ascii: " "))
            line.append(contentsOf: key.utf8)
            line.append(UInt8(ascii: "="))
            if case .string(let text) = value {
                line.append(contentsOf: text.utf8)
            } else {
                line.append(contentsOf: value.description.utf8)
            }
        }
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// One JSON object: the entry's metadata as string fields beside `time`, `level`,
    /// `label` and `message` (which win over metadata of the same name).
    static func json(level: Logger.Level, label: String, message: String, metadata: [Entry], at date: Date) -> [UInt8] {
        var fields: [String: String] = [:]
        for (key, value) in metadata { fields[key] = value.description }
        fields["time"] = timestamp(date)
        fields["level"] = level.rawValue
        fields["label"] = label
        fields["message"] = message
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(fields)).map(Array.init) ?? Array(#"{"message":"unencodable log entry"}"#.utf8)) + [10]
    }

    /// ISO 8601 in UTC with milliseconds, from the calendar arithmetic alone (no locale,
    /// no time-zone database, no C formatting).
    static func timestamp(_ date: Date) -> String {
        var bytes: [UInt8] = []
        appendTimestamp(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendTimestamp(_ date: Date, to line: inout [UInt8]) {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        // Milliseconds into the day, counted forward even before 1970.
        let intoDay = (milliseconds % 86_400_000 + 86_400_000) % 86_400_000
        let day = CalendarDate(unixSeconds: (milliseconds - intoDay) / 1000)
        if (0...9999).contains(day.year) {
            appendDigits(day.year, count: 4, to: &line)
            line.append(UInt8(ascii: "-"))
            appendDigits(day.month, count: 2, to: &line)
            line.append(UInt8(ascii: "-"))
            appendDigits(day.day, count: 2, to: &line)
        } else {
            line.append(contentsOf: day.description.utf8)
        }
        let seconds = Int(intoDay / 1000)
        line.append(UInt8(ascii: "T"))
        appendDigits(seconds / 3600, count: 2, to: &line)
        line.append(UInt8(ascii: ":"))
        appendDigits(seconds / 60 % 60, count: 2, to: &line)
        line.append(UInt8(ascii: ":"))
        appendDigits(seconds % 60, count: 2, to: &line)
        line.append(UInt8(ascii: "."))
        appendDigits(Int(intoDay % 1000), count: 3, to: &line)
        line.append(UInt8(ascii: "Z"))
    }

    /// `value` (0 ≤ value < 10^count) as exactly `count` decimal digits.
    private static func appendDigits(_ value: Int, count: Int, to line: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            line.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
