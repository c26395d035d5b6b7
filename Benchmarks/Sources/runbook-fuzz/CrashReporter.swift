#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Names the input that killed the process. A crash cannot be caught, so before each input
/// the runner records which one it is; a signal handler writes that down and hands the
/// signal on, so the process still dies as it would have and the Swift runtime still
/// prints its backtrace. The handler only reads memory prepared beforehand and calls
/// `write`: nothing else is safe while the process is crashing.
enum CrashReporter {
    nonisolated(unsafe) static var index = -1
    /// "runbook-fuzz: crashed on <decoder> input #<n>; save it with: … --replay <n> > input.bin",
    /// in the pieces around the two numbers.
    nonisolated(unsafe) static var prefix: [UInt8] = []
    nonisolated(unsafe) static var middle: [UInt8] = []
    nonisolated(unsafe) static var suffix: [UInt8] = []
    nonisolated(unsafe) static let digits = UnsafeMutablePointer<UInt8>.allocate(capacity: 24)
    /// The handlers there were before, by signal number.
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 64)
    static let signals = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    static func install() {
        // Its own stack, so a stack overflow can still be reported.
        let size = 1 << 16
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        stack.ss_size = size
        sigaltstack(&stack, nil)
        for signal in signals {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = reportCrash
            #else
            action.__sigaction_u.__sa_handler = reportCrash
            #endif
            action.sa_flags = Int32(SA_ONSTACK)
            (previous + Int(signal)).initialize(to: sigaction())
            sigaction(signal, &action, previous + Int(signal))
        }
    }

    /// Called before a decoder's inputs run: the messages are built here, not in the handler.
    static func starting(decoder: String, seed: UInt64) {
        prefix = Array("\nrunbook-fuzz: crashed on \(decoder) input #".utf8)
        middle = Array("; save it with: runbook-fuzz --decoder \(decoder) --seed \(seed) --replay ".utf8)
        suffix = Array(" > input.bin\n".utf8)
    }
}

private func reportCrash(_ signal: Int32) {
    CrashReporter.prefix.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count) }
    var value = max(0, CrashReporter.index)
    var start = 24
    repeat {
        start -= 1
        CrashReporter.digits[start] = UInt8(ascii: "0") + UInt8(value % 10)
        value /= 10
    } while value > 0
    _ = write(2, CrashReporter.digits + start, 24 - start)
    CrashReporter.middle.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count) }
    _ = write(2, CrashReporter.digits + start, 24 - start)
    CrashReporter.suffix.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count) }
    // The previous handler back in place; returning re-runs the faulting instruction under it.
    sigaction(signal, CrashReporter.previous + Int(signal), nil)
}
