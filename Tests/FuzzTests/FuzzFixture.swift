import Foundation
import Fuzzing

/// The shipped sample configuration, which the generators start from.
enum FuzzFixture {
    static let configDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("bot-config").path
    }()

    static let samples: FuzzSamples = {
        do {
            return try FuzzSamples.load(configDirectory: configDirectory)
        } catch {
            fatalError("\(error)")
        }
    }()

    static let targets = FuzzTarget.all(samples)

    static func target(_ name: String) -> FuzzTarget {
        guard let target = targets.first(where: { $0.name == name }) else { fatalError("no decoder named \(name)") }
        return target
    }

    /// Generous for a debug build, where the slowest honest input (a 64 KiB flood of
    /// distinct words, 5 ms in release) takes about 0.3 s; the release runner holds every
    /// input to 50 ms. What the bound is for took far longer: an alias bomb ran for minutes.
    static let bound: Duration = .seconds(1)

    /// Runs `body` on a thread of its own and waits for it. A slice of the fuzz run is
    /// seconds of CPU without a suspension point: run on Swift's shared pool, which has one
    /// thread per core, a few of them would stall every other test's tasks meanwhile.
    static func offThePool<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// Runs `body` and how long it took.
    static func timed<Result>(_ body: () throws -> Result) rethrows -> (Result, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try body()
        return (result, clock.now - start)
    }
}
