/// Runs a decoder over generated inputs, timing each one on its own.
public enum FuzzRun {
    public struct Report: Sendable {
        public var decoder: String
        public var inputs = 0
        /// Decoded without error; the rest were rejected, which is also a correct answer.
        public var accepted = 0
        /// Inputs over the time bound, by index (the first few) and in all.
        public var overBound: [Int] = []
        public var overBoundCount = 0
        /// Broken promises, with the input index.
        public var violations: [(index: Int, message: String)] = []
        public var slowest: Duration = .zero
        public var slowestIndex = -1
        public var slowestSummary = ""
        public var total: Duration = .zero
    }

    /// Runs inputs `first..<first + count` of `seed`, timing each; one over its bound
    /// (`bound`, or the target's allowance for its size) is run
    /// twice more and keeps its best time. `willRun` is told each index before its input
    /// runs, so a crash handler can name the input that killed the process.
    public static func run(
        _ target: FuzzTarget, count: Int, seed: UInt64, bound: Duration, first: Int = 0,
        willRun: (Int) -> Void = { _ in }
    ) -> Report {
        var report = Report(decoder: target.name)
        let clock = ContinuousClock()
        for index in first..<(first + count) {
            let input = target.input(seed: seed, index: index)
            let inputBound = target.bound(bound, for: input)
            willRun(index)
            var start = clock.now
            let outcome = input.run()
            var elapsed = clock.now - start
            // A pause of the whole process (another program, the scheduler) looks the same as
            // a slow input; a slow input is slow every time. Over the bound means the best of
            // three runs is.
            for _ in 0..<2 where elapsed > inputBound {
                start = clock.now
                _ = input.run()
                elapsed = min(elapsed, clock.now - start)
            }
            report.inputs += 1
            report.total += elapsed
            switch outcome {
            case .accepted: report.accepted += 1
            case .rejected: break
            case .violated(let message): report.violations.append((index, "\(message) (\(input.summary))"))
            }
            if elapsed > inputBound {
                report.overBoundCount += 1
                if report.overBound.count < 10 { report.overBound.append(index) }
            }
            if elapsed > report.slowest {
                report.slowest = elapsed
                report.slowestIndex = index
                report.slowestSummary = input.summary
            }
        }
        return report
    }
}
