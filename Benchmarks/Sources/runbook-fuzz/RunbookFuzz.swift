import Foundation
import Fuzzing

/// Runs every decoder of outside input over generated inputs and reports, per decoder, how
/// many ran, how many passed the time bound and which was slowest. A crash ends the
/// process (the crash reporter names the input first); exit status 1 means an input took
/// longer than the bound or a decoder broke a promise.
///
///   runbook-fuzz [--inputs 100000] [--seed 1] [--bound-ms 50] [--config ../bot-config] [--decoder NAME]
///   runbook-fuzz --decoder NAME --seed S --replay I > input.bin    # one input, its bytes on stdout
@main
struct RunbookFuzz {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        let inputs = Int(value(after: "--inputs", in: arguments) ?? "") ?? 100_000
        let seed = UInt64(value(after: "--seed", in: arguments) ?? "") ?? 1
        let boundMS = Int(value(after: "--bound-ms", in: arguments) ?? "") ?? 50
        let config = value(after: "--config", in: arguments) ?? "../bot-config"
        let only = value(after: "--decoder", in: arguments)

        let samples: FuzzSamples
        do {
            samples = try FuzzSamples.load(configDirectory: config)
        } catch {
            FileHandle.standardError.write(Data("runbook-fuzz: \(error)\n".utf8))
            exit(2)
        }
        let targets = FuzzTarget.all(samples).filter { only == nil || $0.name == only }
        guard !targets.isEmpty else {
            print("runbook-fuzz: no decoder named \(only ?? ""); known: \(FuzzTarget.all(samples).map(\.name).joined(separator: ", "))")
            exit(2)
        }
        if let replay = value(after: "--replay", in: arguments).flatMap(Int.init) {
            exit(Self.replay(targets[0], seed: seed, index: replay))
        }

        CrashReporter.install()
        let bound = Duration.milliseconds(boundMS)
        print("## Fuzz (seed \(seed), \(inputs) inputs per decoder, bound \(boundMS) ms per input)")
        fflush(nil)
        var failed = false
        for target in targets {
            CrashReporter.starting(decoder: target.name, seed: seed)
            let report = FuzzRun.run(target, count: inputs, seed: seed, bound: bound) { CrashReporter.index = $0 }
            print(line(report, bound: boundMS, allowance: target.allowancePerKiB))
            for (index, message) in report.violations.prefix(5) { print("    broken promise, input #\(index): \(message)") }
            if report.overBoundCount > 0 { print("    over the bound: inputs #\(report.overBound.map(String.init).joined(separator: ", #"))") }
            failed = failed || report.overBoundCount > 0 || !report.violations.isEmpty
            // Each decoder's line as soon as it is known, also when the output is a pipe.
            fflush(nil)
        }
        exit(failed ? 1 : 0)
    }

    static func line(_ report: FuzzRun.Report, bound: Int, allowance: Duration?) -> String {
        let name = report.decoder.padding(toLength: 13, withPad: " ", startingAt: 0)
        let accepted = Double(report.accepted) / Double(max(1, report.inputs)) * 100
        // A config file's bound grows with its size; say so beside the count.
        let over = allowance.map { "over \(bound) ms or \(String(format: "%.1f", milliseconds($0))) ms/KiB" } ?? "over \(bound) ms"
        return "\(name) \(pad(report.inputs, 7)) inputs  0 crashes  \(pad(report.overBoundCount, 4)) \(over)  "
            + "accepted \(String(format: "%3.0f", accepted))%  total \(String(format: "%7.2f", seconds(report.total))) s  "
            + "slowest \(String(format: "%8.3f", milliseconds(report.slowest))) ms (#\(report.slowestIndex): \(report.slowestSummary))"
    }

    /// Runs one input on its own; its bytes go to stdout, to become a regression test.
    static func replay(_ target: FuzzTarget, seed: UInt64, index: Int) -> Int32 {
        let input = target.input(seed: seed, index: index)
        FileHandle.standardError.write(Data("\(target.name) #\(index): \(input.summary)\n".utf8))
        FileHandle.standardOutput.write(Data(input.input))
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = input.run()
        FileHandle.standardError.write(Data("\(outcome) in \(String(format: "%.3f", milliseconds(clock.now - start))) ms\n".utf8))
        return 0
    }

    static func value(after flag: String, in arguments: ArraySlice<String>) -> String? {
        guard let index = arguments.firstIndex(of: flag), arguments.index(after: index) < arguments.endIndex else { return nil }
        return arguments[arguments.index(after: index)]
    }

    static func pad(_ number: Int, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - "\(number)".count)) + "\(number)"
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
    }

    static func seconds(_ duration: Duration) -> Double { milliseconds(duration) / 1e3 }
}
