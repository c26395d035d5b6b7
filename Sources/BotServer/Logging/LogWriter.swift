import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes log lines to a file descriptor from a thread of its own, so a request never
/// waits for the terminal, a pipe or a slow disk: a request appends its line to a buffer
/// and goes on. The writer takes the buffer every `interval` (or sooner when it grows past
/// 64 KiB) and writes it in one call. When the buffer is full — output stuck — lines are
/// dropped and counted, never waited for; the count is logged when output flows again.
///
/// Hand-written because swift-log's `StreamLogHandler` formats a timestamp with the C
/// library and flushes on every line under a lock: `Benchmarks/run.sh` measured the one
/// audit line per command at about a quarter of a `/runbook` request's CPU with it.
public final class LogWriter: @unchecked Sendable {
    // Everything below `condition` is guarded by it.
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var dropped = 0
    private var stopping = false
    private var writing = false

    private let descriptor: Int32
    private let limit: Int
    private let interval: TimeInterval
    private static let wakeAt = 64 * 1024

    /// Starts the writer thread. `limit` bounds the memory held for a stuck output.
    public init(descriptor: Int32 = STDOUT_FILENO, limit: Int = 8 << 20, interval: Duration = .milliseconds(50)) {
        self.descriptor = descriptor
        self.limit = limit
        let (seconds, attoseconds) = interval.components
        self.interval = Double(seconds) + Double(attoseconds) / 1e18
        let thread = Thread { [self] in self.run() }
        thread.name = "runbook-bot.log"
        thread.start()
    }

    /// Queues one line (with its newline). Never blocks on output.
    public func append(_ line: [UInt8]) {
        condition.lock()
        if pending.count + line.count > limit {
            dropped += 1
        } else {
            pending.append(contentsOf: line)
            if pending.count >= Self.wakeAt { condition.signal() }
        }
        condition.unlock()
    }

    /// Writes everything queued so far and returns once it is written. Call before exit.
    public func flush() {
        condition.lock()
        condition.signal()
        while !pending.isEmpty || writing { condition.wait(until: Date(timeIntervalSinceNow: 0.01)) }
        condition.unlock()
    }

    /// Flushes and stops the writer thread.
    public func close() {
        flush()
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping {
                condition.wait(until: Date(timeIntervalSinceNow: interval))
            }
            if pending.isEmpty && stopping {
                condition.unlock()
                return
            }
            var batch: [UInt8] = []
            swap(&batch, &pending)
            let lost = dropped
            dropped = 0
            writing = true
            condition.unlock()

            if lost > 0 {
                let note = "\(LogLine.timestamp(Date())) warning runbook-bot: \(lost) log line(s) dropped: the log output could not keep up\n"
                writeAll(Array(note.utf8))
            }
            writeAll(batch)

            condition.lock()
            writing = false
            condition.broadcast()
            condition.unlock()
            // Gather a batch instead of waking for every line.
            Thread.sleep(forTimeInterval: interval)
        }
    }

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // output closed: nothing more can be done with these lines
                }
                offset += written
            }
        }
    }
}
