@testable import BotServer
import Foundation
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The log output: one sorted, timestamped line per entry, written from its own thread;
/// nothing lost on a clean shutdown; a stuck output drops and counts lines instead of
/// holding up requests.
struct LogWriterTests {
    /// A pipe whose read end is drained by a thread, like a terminal or a log collector.
    final class Pipe: @unchecked Sendable {
        let read: Int32
        let write: Int32

        init() {
            var ends: [Int32] = [0, 0]
            _ = ends.withUnsafeMutableBufferPointer { Glibc.pipe($0.baseAddress!) }
            (read, write) = (ends[0], ends[1])
        }

        /// Everything written until the write end is closed.
        func readAll() -> String {
            var received = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = Glibc.read(read, &buffer, buffer.count)
                if count <= 0 { return String(decoding: received, as: UTF8.self) }
                received += buffer[..<count]
            }
        }
    }

    @Test func linesAreWrittenSortedAndFlushedOnClose() async throws {
        let pipe = Pipe()
        let reader = Task.detached { pipe.readAll() }
        let writer = LogWriter(descriptor: pipe.write)
        var logger = Logger(label: "runbook-bot") { BufferedLogHandler(label: $0, writer: writer) }
        logger.logLevel = .info
        logger.debug("not at info")
        logger.info("slash command handled", metadata: ["user": "U1", "command": "/runbook", "channel": "C1"])
        logger.warning("outbox: will retry")
        writer.close()
        close(pipe.write)
        let lines = await reader.value.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix(" info runbook-bot: slash command handled channel=C1 command=/runbook user=U1") == true)
        #expect(lines.last?.hasSuffix(" warning runbook-bot: outbox: will retry") == true)
        let stamp = try #require(lines.first?.split(separator: " ").first)
        let parsed = try #require(ISO8601DateFormatter.withMilliseconds.date(from: String(stamp)))
        #expect(abs(parsed.timeIntervalSinceNow) < 60)
    }

    /// The entry's own metadata wins over the provider's, which wins over the logger's; each
    /// key is written once, sorted, whatever kind of value it holds.
    @Test func metadataIsMergedOnceWithTheEntryWinning() async throws {
        let pipe = Pipe()
        let reader = Task.detached { pipe.readAll() }
        let writer = LogWriter(descriptor: pipe.write)
        var logger = Logger(label: "runbook-bot") { label in
            var handler = BufferedLogHandler(label: label, writer: writer)
            handler.metadataProvider = Logger.MetadataProvider { ["trace": "provided", "user": "provided"] }
            return handler
        }
        logger[metadataKey: "request"] = .stringConvertible(42)
        logger[metadataKey: "trace"] = "logger"
        logger[metadataKey: "user"] = "logger"
        logger.info("handled", metadata: ["user": "U1", "tags": ["a", "b"]])
        writer.close()
        close(pipe.write)
        let line = await reader.value
        #expect(line.hasSuffix(" info runbook-bot: handled request=42 tags=[\"a\", \"b\"] trace=provided user=U1\n"), "\(line)")
    }

    @Test func jsonLinesAreOneObjectEach() async throws {
        let pipe = Pipe()
        let reader = Task.detached { pipe.readAll() }
        let writer = LogWriter(descriptor: pipe.write)
        let logger = Logger(label: "runbook-bot") { BufferedLogHandler(label: $0, writer: writer, format: .json) }
        logger.info("slash command handled", metadata: ["text": "quote \" and\nnewline", "message": "shadowed"])
        logger.error("outbox: store failed")
        writer.close()
        close(pipe.write)
        let lines = await reader.value.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: String])
        #expect(first["message"] == "slash command handled")
        #expect(first["level"] == "info" && first["label"] == "runbook-bot")
        #expect(first["text"] == "quote \" and\nnewline")
        #expect(first["time"].flatMap(ISO8601DateFormatter.withMilliseconds.date(from:)) != nil)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: String])
        #expect(second["level"] == "error")
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        for seconds in [0.0, 951_782_400.5, 1_780_000_000.123, 4_102_444_799.999, -86_400.0, -1.5] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(LogLine.timestamp(date) == ISO8601DateFormatter.withMilliseconds.string(from: date), "\(seconds)")
        }
    }

    /// Output that nobody reads: appending never waits, and the loss is reported once the
    /// output moves again.
    @Test func aStuckOutputDropsAndCountsInsteadOfBlocking() async throws {
        let pipe = Pipe()
        let writer = LogWriter(descriptor: pipe.write, limit: 4096)
        let line = Array(String(repeating: "x", count: 99).utf8) + [10]
        // A pipe holds 64 KiB; with nobody reading, far more than that is appended.
        let started = ContinuousClock.now
        for _ in 0..<5_000 { writer.append(line) }
        #expect(ContinuousClock.now - started < .seconds(2), "appending waited for the output")
        let reader = Task.detached { pipe.readAll() }
        writer.close()
        close(pipe.write)
        let output = await reader.value
        #expect(output.contains("log line(s) dropped: the log output could not keep up"))
        #expect(output.split(separator: "\n").count < 5_000)
    }
}

extension ISO8601DateFormatter {
    static var withMilliseconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
