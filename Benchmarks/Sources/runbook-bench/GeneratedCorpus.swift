import RunbookModel

/// A deterministic corpus of runbooks shaped like real ones: 50 entries per system
/// (overview, escalation, 8 dependencies, 25 failure modes, 8 procedures, 7 contacts).
struct GeneratedCorpus {
    var runbooks: [Runbook] = []
    /// Queries a person might type against this corpus, with the entry they are after (nil: a miss).
    var queries: [(text: String, expected: EntryID?)] = []

    init(systems: Int, seed: UInt64 = 42) {
        var random = SplitMix64(seed: seed)
        let words = Self.vocabulary(count: 6_000, random: &random)
        func phrase(_ count: Int) -> String {
            (0..<count).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
        }
        let date = CalendarDate(year: 2026, month: 11, day: 1)!
        for s in 0..<systems {
            let systemID = "system-\(s)"
            let contacts = (0..<7).map { c in
                Contact(id: "contact-\(c)", name: "Person \(phrase(1)) \(c)", role: phrase(2),
                        email: "p\(c)@system\(s).example.com", slack: .handle("p\(s)x\(c)"), updated: date)
            }
            let failureModes = (0..<25).map { f in
                FailureMode(
                    id: "fm-\(f)", title: "\(phrase(3)) \(Self.ops.randomElement(using: &random)!)",
                    aliases: [phrase(2), phrase(1)], severity: Severity.allCases[f % 4],
                    detection: DetectionSignals(alarms: ["\(phrase(2)) count > \(f)"], notifications: ["Slack notification in #alerts-\(s)"],
                                                logs: ["\(phrase(1).capitalized)Exception: \(phrase(5)) after \(f * 10).00 seconds"]),
                    causes: [phrase(6), phrase(5)], customerImpact: phrase(8),
                    immediateActions: (0..<5).map { Action(text: phrase(6), command: "kubectl rollout restart deploy/\(phrase(1))-\($0)") },
                    escalateTo: "contact-\(f % 7)"
                )
            }
            let procedures = (0..<8).map { p in
                Procedure(id: "proc-\(p)", title: "Recover \(phrase(3))", aliases: [phrase(2)], assumptions: [phrase(5)],
                          steps: (0..<5).map { ProcedureStep(title: phrase(4), details: phrase(10), command: "run \(phrase(2)) --step \($0)") })
            }
            let dependencies = (0..<8).map { d in
                Dependency(id: "dep-\(d)", name: "\(phrase(2).capitalized) service", aliases: [phrase(1)], usedFor: phrase(6),
                           howItFails: [phrase(4)], impact: phrase(6), detection: [phrase(6)], mitigation: phrase(5))
            }
            let escalation = EscalationPolicy(runsWhile: .unresolved, levels: [
                EscalationLevel(level: 1, name: "On-call", notify: ["contact-0"], after: .zero),
                EscalationLevel(level: 2, name: "Owner", notify: ["contact-1"], after: RunbookDuration(seconds: 900)),
            ])
            runbooks.append(Runbook(
                system: SystemInfo(id: systemID, title: "System \(s) \(phrase(2))", aliases: [], updated: date, reviewed: date, owner: "contact-0"),
                overview: Overview(purpose: phrase(12), components: (0..<5).map { Component(kind: "Service", name: phrase(1) + "-\($0)") }),
                dependencies: dependencies, failureModes: failureModes, procedures: procedures, escalation: escalation,
                contacts: contacts, sourceFile: "generated/\(systemID).yaml"
            ))
        }

        // Query mix: titles, pasted log lines, alarm names, one- and two-letter typos, scoped queries, misses.
        for index in 0..<2_000 {
            let runbook = runbooks[Int(random.next() % UInt64(runbooks.count))]
            let failureMode = runbook.failureModes[Int(random.next() % 25)]
            let expected = EntryID(system: runbook.system.id, kind: .failureMode, id: failureMode.id)
            switch index % 6 {
            case 0: queries.append((failureMode.title, expected))
            case 1: queries.append((failureMode.detection.logs[0], expected))
            case 2: queries.append((failureMode.detection.alarms[0], expected))
            case 3: queries.append((Self.typo(failureMode.title, random: &random), expected))
            case 4: queries.append(("\(runbook.system.id) \(failureMode.aliases[0])", expected))
            default: queries.append(("zzqx \(index) wvvq", nil))
            }
        }
    }

    static let ops = ["timeout", "throttling", "errors", "outage", "latency", "backlog", "crash", "denied"]

    /// Pronounceable pseudo-words, so the vocabulary is as large as a real corpus's.
    static func vocabulary(count: Int, random: inout SplitMix64) -> [String] {
        let onsets = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "st", "tr", "pl", "gr", "sh"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
        var words = Set<String>()
        while words.count < count {
            let syllables = 2 + Int(random.next() % 3)
            words.insert((0..<syllables).map { _ in
                onsets[Int(random.next() % UInt64(onsets.count))] + vowels[Int(random.next() % UInt64(vowels.count))]
            }.joined())
        }
        return words.sorted()
    }

    /// Swaps two adjacent letters of the longest word: the commonest typo.
    static func typo(_ text: String, random: inout SplitMix64) -> String {
        var words = text.split(separator: " ").map(String.init)
        guard let longest = words.indices.max(by: { words[$0].count < words[$1].count }), words[longest].count > 4 else { return text }
        var letters = Array(words[longest])
        let position = 1 + Int(random.next() % UInt64(letters.count - 2))
        letters.swapAt(position, position - 1)
        words[longest] = String(letters)
        return words.joined(separator: " ")
    }
}

struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
