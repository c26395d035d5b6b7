import Foundation
import RunbookModel

/// Index build time and lookup latency, on the sample runbook and on a generated corpus.
enum LookupBenchmark {
    static func run(configDirectory: String) {
        let today = CalendarDate(unixSeconds: Int64(Date().timeIntervalSince1970))
        guard let sample = RunbookLoader.load(configDirectory: configDirectory, today: today).library else {
            print("sample runbook does not load")
            return
        }
        let sampleQueries = [
            "timeout", "Task timed out after 900.00 seconds", "ConditionalCheckFailedException", "timout", "dynamdb errors",
            "invoice timeout", "unblock invoice processing after outage", "who to call", "kubernetes crashloop",
            "invoice-parser errors > 5/min", "rate limit exceeded", "access denied reading pdf",
        ].map { ($0, EntryID?.none) }
        print("## Lookup")
        measure(name: "sample runbook", build: { RunbookLibrary(runbooks: sample.runbooks) }, queries: sampleQueries)

        let corpus = GeneratedCorpus(systems: 200)
        measure(name: "generated 200 systems × 50 entries", build: { RunbookLibrary(runbooks: corpus.runbooks) }, queries: corpus.queries)
        worstCases(RunbookLibrary(runbooks: sample.runbooks))
    }

    /// The most expensive text a signed request can carry (64 KiB): one long word, a flood
    /// of unknown words, a flood of misspellings. Each answered in a bounded time.
    static func worstCases(_ library: RunbookLibrary) {
        let responder = RunbookResponder(library: library)
        let cases: [(String, String)] = [
            ("one 60,000-letter word", String(repeating: "x", count: 60_000)),
            ("8,000 unknown words", (0..<8_000).map { "w\($0)x" }.joined(separator: " ")),
            ("6,000 misspellings", (0..<6_000).map { _ in "timout" + String(Int.random(in: 0...9)) }.joined(separator: " ")),
            ("64 KiB of one 40-letter word", Array(repeating: String(repeating: "q", count: 40), count: 1_500).joined(separator: " ")),
        ]
        print("worst-case queries (answer, sample runbook):")
        for (name, text) in cases {
            var times: [Double] = []
            for _ in 0..<20 {
                let start = ContinuousClock.now
                _ = responder.answer(RunbookCommand(text: text))
                times.append(milliseconds(ContinuousClock.now - start))
            }
            times.sort()
            print("  \(name) (\(text.utf8.count) bytes): p50 \(format(percentile(times, 0.5))) ms, max \(format(times.last ?? 0)) ms")
        }
    }

    static func measure(name: String, build: () -> RunbookLibrary, queries: [(text: String, expected: EntryID?)]) {
        var buildTimes: [Double] = []
        var library = build()
        for _ in 0..<5 {
            let start = ContinuousClock.now
            library = build()
            buildTimes.append(milliseconds(ContinuousClock.now - start))
        }
        // Warm up, then time every lookup on its own.
        for (text, _) in queries.prefix(200) { _ = library.index.search(text) }
        var latencies: [Double] = []
        var found = 0
        var expectedHits = 0
        var expectedTotal = 0
        let rounds = max(1, 20_000 / queries.count)
        for _ in 0..<rounds {
            for (text, expected) in queries {
                let start = ContinuousClock.now
                let result = library.index.search(text)
                latencies.append(milliseconds(ContinuousClock.now - start) * 1000)
                if result.best != nil { found += 1 }
                if let expected {
                    expectedTotal += 1
                    if result.best?.entry == expected { expectedHits += 1 }
                }
            }
        }
        latencies.sort()
        print("""
            \(name): \(library.index.entryCount) entries, \(library.index.termCount) terms
              index build: median \(format(buildTimes.sorted()[buildTimes.count / 2])) ms (of 5 builds)
              lookup over \(latencies.count) queries: p50 \(format(percentile(latencies, 0.50))) µs, p99 \(format(percentile(latencies, 0.99))) µs, max \(format(latencies.last ?? 0)) µs
            """)
        if expectedTotal > 0 {
            print("  expected entry ranked first: \(expectedHits * 100 / expectedTotal)% of \(expectedTotal) queries with a known answer")
        }
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func format(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f" : "%.0f", value)
    }
}
