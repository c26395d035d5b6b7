import Foundation
import Testing

/// Ends the test process, naming the test, when one test case has run far past any time it
/// should take. A time limit reports a hang but cannot end it (a task that never returns is
/// waited for), so without this a hang would hold the whole run until CI's own limit, with
/// nothing saying where. Used on the suites that talk to real servers and processes.
public struct HangWatchdog: TestTrait, SuiteTrait, TestScoping {
    let limit: TimeInterval

    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // Called once for the suite and once for each case; only cases are watched.
        guard testCase != nil else { return try await function() }
        let name = "\(test.id)"
        let limit = self.limit
        // On a dispatch queue, not the task pool: it must fire whatever the tasks are doing.
        let alarm = DispatchWorkItem {
            FileHandle.standardError.write(Data("✘ HANG: \(name) still running after \(Int(limit)) s; ending the test run\n".utf8))
            exit(3)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: alarm)
        defer { alarm.cancel() }
        try await function()
    }
}

extension Trait where Self == HangWatchdog {
    /// Ends the run if one test case is still running after `seconds` (5 minutes unless said).
    public static func hangWatchdog(seconds: TimeInterval = 300) -> Self {
        HangWatchdog(limit: seconds)
    }
}
