import Incidents
import RunbookModel
import Slack

extension FuzzTarget {
    /// The text of `/runbook`, `/incident` and mentions: parsed, searched, answered and
    /// rendered as the bot answers it. Text arrives inside a signed body, so it is at most
    /// that long.
    public static func query(_ samples: FuzzSamples) -> FuzzTarget {
        let words = samples.queryWords
        let library = samples.library
        let responder = RunbookResponder(library: library)
        return FuzzTarget(name: "query") { random in
            var log: [String] = []
            let text = Self.queryText(words, &random, log: &log)
            return FuzzCase(made: log, input: Array(text.utf8)) {
                let command = RunbookCommand(text: text)
                // A lookup searches in the responder; other commands are searched here, so
                // every text reaches the index exactly once, as a mention or a lookup would.
                if case .lookup = command {} else { _ = library.index.search(text) }
                let answer = responder.answer(command)
                let message = CardRenderer.message(for: answer.card(), responseType: .ephemeral)
                _ = IncidentCommand(text: text)
                if let broken = Self.brokenSlackLimit(message) { return .violated(broken) }
                return answer.found ? .accepted : .rejected
            }
        }
    }

    static func queryText(_ words: [String], _ random: inout SplitMix64, log: inout [String]) -> String {
        let limit = FuzzLimits.httpBody
        if random.chance(1, in: 40) {
            // The worst cases known: one enormous word, a flood of distinct unknown words.
            if random.chance(1, in: 2) {
                log.append("long word")
                return Hostile.longWord(random.size(upTo: FuzzLimits.longWord), letter: random.pick(["x", "q", "é", "ß", "İ"]))
            }
            log.append("flood")
            var text = ""
            while text.utf8.count < limit - 16 { text += "w\(random.below(1_000_000))x " }
            return text
        }
        var pieces: [String] = []
        for _ in 0..<random.int(in: 1...6) {
            switch random.below(6) {
            case 0, 1:
                pieces.append(random.pick(words))
            case 2:
                pieces.append(random.pick(SlackSamples.commandTexts))
            case 3:
                // A typo: one character replaced, as someone typing in a hurry.
                var characters = Array(random.pick(words))
                if !characters.isEmpty { characters[random.below(characters.count)] = random.pick(["x", "e", " ", "-", "é"]) }
                pieces.append(String(characters))
                log.append("typo")
            case 4:
                pieces.append(random.pick(["declare", "ack", "update", "escalate", "resolve", "show", "status?", "INC-\(random.below(20))",
                                           "#\(random.below(20))", "INC-0", "INC-999999999", "INC-9999999999", "sev1", "critical"]))
            default:
                pieces.append(Hostile.text(&random, maximum: limit))
                log.append("hostile")
            }
        }
        let text = pieces.joined(separator: random.pick([" ", "  ", "\t", "\n", "/", ""]))
        return text.utf8.count > limit ? String(decoding: text.utf8.prefix(limit), as: UTF8.self) : text
    }
}

extension FuzzTarget {
    /// Which of Slack's limits a reply breaks, if any: the query is echoed in the reply, and
    /// Slack refuses a message over its limits rather than cutting it.
    static func brokenSlackLimit(_ message: SlackMessage) -> String? {
        let blocks = message.blocks ?? []
        if blocks.count > SlackLimits.blocksPerMessage { return "\(blocks.count) blocks" }
        if message.text.utf8.count > SlackLimits.fallbackText { return "fallback text of \(message.text.utf8.count) bytes" }
        for block in blocks {
            guard let text = block.text?.text else { continue }
            if block.type == "header", text.count > SlackLimits.headerText { return "header of \(text.count) characters" }
            if block.type == "section", text.utf8.count > SlackLimits.sectionText { return "section of \(text.utf8.count) bytes" }
        }
        return nil
    }
}
