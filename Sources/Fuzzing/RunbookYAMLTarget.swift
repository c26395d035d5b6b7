import Foundation
import RunbookModel

extension FuzzTarget {
    /// Config files are read once at start, not per request: what matters is that loading
    /// stays linear in the file's size, so that no file (an alias bomb took minutes) can
    /// stall a start. A file dense with structure and errors (36,000 of them in 83 KiB) loads
    /// at about 4 ms per KiB on a busy release build, and halving it halves the time; 10 ms
    /// per KiB, 1.3 s for the largest generated file, still catches anything worse.
    static let configFileAllowancePerKiB: Duration = .milliseconds(10)

    /// A runbook file, loaded as the bot loads `bot-config/runbooks/*.yaml`: parsed,
    /// decoded and validated.
    public static func runbookYAML(_ samples: FuzzSamples) -> FuzzTarget {
        FuzzTarget(name: "runbook-yaml", allowancePerKiB: configFileAllowancePerKiB) { random in
            var log: [String] = []
            let sample = random.pick(samples.runbookTexts)
            let bytes = Self.yamlDocument(sample, keys: ["aliases", "failure_modes", "contacts", "levels", "id", "title"], &random, log: &log)
            // Two files sometimes, so the check across files (one system id each) runs too.
            let withSample = random.chance(1, in: 8)
            if withSample { log.append("beside the sample") }
            let today = samples.today
            return FuzzCase(made: log, input: bytes) {
                // As the loader reads a file: nil when it is not UTF-8.
                let text = String(data: Data(bytes), encoding: .utf8)
                let documents = (withSample ? [("sample.yaml", Optional(sample))] : []) + [("fuzz.yaml", text)]
                let result = RunbookLoader.load(documents: documents, today: today)
                return result.library == nil ? .rejected : .accepted
            }
        }
    }

    /// `bot.yaml`, read as the loader reads it.
    public static func botYAML(_ samples: FuzzSamples) -> FuzzTarget {
        FuzzTarget(name: "bot-yaml", allowancePerKiB: configFileAllowancePerKiB) { random in
            var log: [String] = []
            let bytes = Self.yamlDocument(samples.settingsText, keys: ["timezone", "status_channels", "reminders", "declare", "critical"], &random, log: &log)
            return FuzzCase(made: log, input: bytes) {
                let text = String(data: Data(bytes), encoding: .utf8)
                let (_, diagnostics) = RunbookLoader.loadSettings(file: "bot.yaml", text: text)
                return diagnostics.hasErrors ? .rejected : .accepted
            }
        }
    }

    /// A YAML document made from `sample`; `keys` are where an alias bomb is aimed.
    static func yamlDocument(_ sample: String, keys: [String], _ random: inout SplitMix64, log: inout [String]) -> [UInt8] {
        let limit = FuzzLimits.configFile
        var bytes: [UInt8]
        switch random.below(32) {
        case 0, 1:
            bytes = Array(sample.utf8)
        case 2:
            let placement = random.pick(YAMLMutations.LaughsPlacement.allCases)
            let levels = random.int(in: 2...10)
            let width = random.int(in: 2...10)
            log.append("alias bomb \(width)^\(levels) \(placement.rawValue)")
            bytes = Array(YAMLMutations.laughs(levels: levels, width: width, placement: placement, in: sample, key: random.pick(keys)).utf8)
        case 3:
            let depth = random.size(upTo: 4_096)
            let flow = random.chance(1, in: 2)
            log.append("nested \(depth) deep\(flow ? " in flow style" : "")")
            bytes = Array(YAMLMutations.nesting(depth: depth, flow: flow, limit: limit).utf8)
        case 4:
            bytes = Array(Hostile.text(&random, maximum: limit).utf8)
            log.append("hostile text")
        default:
            bytes = Array(YAMLMutations.mutate(sample, limit: limit, &random, log: &log).utf8)
            if random.chance(1, in: 6) { ByteMutations.mutate(&bytes, limit: limit, &random, log: &log) }
        }
        if random.chance(1, in: 32) {
            // Windows line endings: a file edited on another machine.
            bytes = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
            log.append("CRLF")
        }
        if bytes.count > limit { bytes.removeLast(bytes.count - limit) }
        return bytes
    }
}
