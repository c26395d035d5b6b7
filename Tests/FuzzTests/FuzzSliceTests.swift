import Fuzzing
import Testing

/// A fixed slice of the fuzz run: about 5,000 inputs across every decoder, the same ones on
/// every machine. The full run (100,000 per decoder, any seed) is `runbook-fuzz` in
/// Benchmarks.
/// One decoder at a time, each on a thread of its own: timed inputs side by side would
/// share the cores and be held to the bound at a fraction of the machine.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct FuzzSliceTests {
    static let seed: UInt64 = 20_260_501
    /// 5,000 inputs, fewer where one costs more: loading a runbook takes about 20 ms in a
    /// debug build, parsing a `Retry-After` a microsecond.
    static let inputs = [
        "form-body": 800, "interaction": 700, "events-api": 800, "socket-mode": 500, "runbook-yaml": 150,
        "bot-yaml": 300, "query": 350, "retry-after": 800, "web-api": 600,
    ]

    @Test func theSliceCoversEveryDecoder() {
        #expect(Set(Self.inputs.keys) == Set(FuzzFixture.targets.map(\.name)))
        #expect(Self.inputs.values.reduce(0, +) == 5_000)
    }

    @Test(arguments: FuzzFixture.targets.map(\.name))
    func everyInputIsAnsweredInTime(decoder: String) async {
        let count = Self.inputs[decoder] ?? 0
        let report = await FuzzFixture.offThePool {
            FuzzRun.run(FuzzFixture.target(decoder), count: count, seed: Self.seed, bound: FuzzFixture.bound)
        }
        #expect(report.inputs == count)
        #expect(
            report.overBoundCount == 0,
            "\(report.overBoundCount) inputs over \(FuzzFixture.bound), e.g. #\(report.overBound); slowest \(report.slowest): \(report.slowestSummary)"
        )
        #expect(report.violations.isEmpty, "\(report.violations.prefix(3).map { "#\($0.index) \($0.message)" })")
        // Some inputs are taken and some refused: the generator neither only breaks inputs
        // nor only keeps them valid, so both paths of the decoder run.
        #expect(report.accepted > 0)
        #expect(report.accepted < report.inputs)
    }
}
