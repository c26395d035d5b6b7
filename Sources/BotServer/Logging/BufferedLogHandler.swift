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
        // The entry's own metadata wins over the provider's, which wins over the handler's.
        // The common case, an entry's metadata and nothing else, is taken without merging.
        var all: Logger.Metadata
        if metadata.isEmpty, metadataProvider == nil {
            all = event.metadata ?? [:]
        } else {
            all = metadata
            if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
            if let extra = event.metadata { all.merge(extra) { $1 } }
        }
        let line = switch format {
        case .text: LogLine.render(level: event.level, label: label, message: "\(event.message)", metadata: all, at: Date())
        case .json: LogLine.json(level: event.level, label: label, message: "\(event.message)", metadata: all, at: Date())
        }
        writer.append(line)
    }
}

/// The text of one log line.
enum LogLine {
    static func render(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, at date: Date) -> [UInt8] {
        var line = timestamp(date)
        line += " \(level) \(label): \(message)"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        line += "\n"
        return Array(line.utf8)
    }

    /// One JSON object: the entry's metadata as string fields beside `time`, `level`,
    /// `label` and `message` (which win over metadata of the same name).
    static func json(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, at date: Date) -> [UInt8] {
        var fields = metadata.mapValues { "\($0)" }
        fields["time"] = timestamp(date)
        fields["level"] = "\(level)"
        fields["label"] = label
        fields["message"] = message
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(fields)).map(Array.init) ?? Array(#"{"message":"unencodable log entry"}"#.utf8)) + [10]
    }

    /// ISO 8601 in UTC with milliseconds, from the calendar arithmetic alone (no locale,
    /// no time-zone database, no C formatting).
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        // Milliseconds into the day, counted forward even before 1970.
        let intoDay = (milliseconds % 86_400_000 + 86_400_000) % 86_400_000
        let day = CalendarDate(unixSeconds: (milliseconds - intoDay) / 1000)
        let seconds = Int(intoDay / 1000)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let millis = Int(intoDay % 1000)
        let fraction = millis < 10 ? "00\(millis)" : (millis < 100 ? "0\(millis)" : "\(millis)")
        return "\(day)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)).\(fraction)Z"
    }
}
