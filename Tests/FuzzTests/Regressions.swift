import Foundation
import Fuzzing
import Incidents
import RunbookModel
import Slack
import Testing

/// Every input that ever crashed a decoder or took too long, kept as a test of what the
/// decoder answers now.
struct Regressions {
    // MARK: Retry-After

    /// `inf` once became an infinite wait (and `1e300` overflowed `Int64`): a header that is
    /// not a usable number of seconds counts as absent, and usable ones are clamped.
    @Test(arguments: [
        ("inf", nil), ("-inf", nil), ("nan", nil), ("NaN", nil), ("-1", nil), ("soon", nil), ("", nil), ("1e999", nil),
        ("1e300", Duration.seconds(900)), ("0", .seconds(1)), ("30", .seconds(30)), (" 2 ", .seconds(2)),
    ] as [(String, Duration?)])
    func retryAfterIsAbsentOrBetweenOneSecondAndFifteenMinutes(header: String, wait: Duration?) {
        #expect(RetryAfter.parse(header) == wait)
    }

    @Test func aRateLimitWithAnInfiniteRetryAfterBacksOff() {
        let result = WebAPIClassifier.classify(SlackWebAPI.PostedMessage.self, status: 429, retryAfter: "inf", body: Data())
        guard case .rateLimited(let wait) = result else {
            Issue.record("429 was not a rate limit: \(result)")
            return
        }
        #expect(wait == nil)
    }

    // MARK: One enormous word

    static let hugeWord = String(repeating: "x", count: 60_000)

    @Test func aSixtyThousandLetterWordIsSearchedInTime() {
        let index = FuzzFixture.samples.library.index
        let (result, elapsed) = FuzzFixture.timed { index.search(Self.hugeWord) }
        #expect(result.matches.isEmpty)
        #expect(elapsed < FuzzFixture.bound)
    }

    @Test func aSixtyThousandLetterWordIsAnsweredWithinSlacksLimits() {
        let responder = RunbookResponder(library: FuzzFixture.samples.library)
        let (message, elapsed) = FuzzFixture.timed {
            CardRenderer.message(for: responder.answer(RunbookCommand(text: Self.hugeWord)).card(), responseType: .ephemeral)
        }
        #expect(elapsed < FuzzFixture.bound)
        #expect(message.blocks?.first?.text?.text.count ?? 0 <= SlackLimits.headerText)
        #expect(message.text.utf8.count <= SlackLimits.fallbackText)
    }

    @Test func aSixtyThousandLetterWordIsNotAnIncidentCommand() {
        let (command, elapsed) = FuzzFixture.timed { IncidentCommand(text: Self.hugeWord) }
        #expect(elapsed < FuzzFixture.bound)
        #expect(command.verb == .help)
        let (declared, _) = FuzzFixture.timed { IncidentCommand(text: "declare sev2 " + Self.hugeWord) }
        #expect(declared == .declare(severity: .sev2, text: Self.hugeWord))
    }

    /// Fuzz seed 20261129, query input #72634: 52,000 letters "İ", which grows when
    /// lowercased, took 217 ms: the id check lowercased and split the whole text, and the
    /// incident parser split it character by character and quoted it back whole.
    @Test func aLongWordThatGrowsWhenLowercasedIsAnsweredInTime() {
        let word = String(repeating: "İ", count: 52_000)
        let responder = RunbookResponder(library: FuzzFixture.samples.library)
        let (answer, elapsed) = FuzzFixture.timed { responder.answer(RunbookCommand(text: word)) }
        #expect(!answer.found)
        #expect(elapsed < FuzzFixture.bound)
        let (command, parsed) = FuzzFixture.timed { IncidentCommand(text: word) }
        #expect(parsed < FuzzFixture.bound)
        guard case .help(let problem?) = command else {
            Issue.record("a word that is no verb is refused with a reason")
            return
        }
        #expect(problem.count < 64, "the refusal quotes the start of the word, not all of it")
    }

    // MARK: Socket Mode

    @Test(arguments: ["", "{", "null", "[]", #"{"type":1}"#, #"{"envelope_id":"e1"}"#])
    func aMalformedEnvelopeIsNotRead(text: String) {
        #expect(SocketModeEnvelope.decode(text) == nil)
    }

    @Test func anEnvelopeNestedDeeperThanAnyDecoderGoesIsNotRead() {
        let (envelope, elapsed) = FuzzFixture.timed { SocketModeEnvelope.decode(String(repeating: "[", count: 100_000)) }
        #expect(envelope == nil)
        #expect(elapsed < FuzzFixture.bound)
    }

    /// Fuzz seed 7, Socket Mode input #1361: an envelope id starting with a byte-order mark
    /// is acknowledged with exactly that id (the fuzzer's own check had read it back with
    /// JSONSerialization, which drops the mark).
    @Test func anEnvelopeIDIsAcknowledgedExactly() throws {
        let id = "\u{FEFF}timeout>9007199254740993\u{0}\"\\"
        let text = String(decoding: try JSONEncoder().encode(["type": "hello", "envelope_id": id]), as: UTF8.self)
        let envelope = try #require(SocketModeEnvelope.decode(text))
        #expect(envelope.envelopeID == id)
        let ack = SocketModeEnvelope.acknowledgement(id, payload: Array(#"{"text":"ok"}"#.utf8))
        let read = try JSONDecoder().decode([String: JSONValueOrString].self, from: Data(ack.utf8))
        #expect(read["envelope_id"] == .string(id))
    }

    @Test func anEnvelopeWithAnUnreadablePayloadIsStillAcknowledged() throws {
        let envelope = try #require(SocketModeEnvelope.decode(#"{"type":"slash_commands","envelope_id":"e1","payload":[1e999]}"#))
        #expect(envelope.envelopeID == "e1")
        guard case .other = envelope.payload else {
            Issue.record("an unreadable payload was read: \(envelope.payload)")
            return
        }
    }

    // MARK: Alias bombs

    /// Ten anchors, each ten aliases of the one before: 10^10 values in 1 KiB. As a mapping
    /// key it ran for minutes (Yams hashes keys in full); now every placement is refused,
    /// before composing, in well under the bound.
    @Test(arguments: YAMLMutations.LaughsPlacement.allCases)
    func anAliasBombRunbookIsRefusedInTime(placement: YAMLMutations.LaughsPlacement) {
        let sample = FuzzFixture.samples.runbookTexts[0]
        let text = YAMLMutations.laughs(levels: 10, width: 10, placement: placement, in: sample, key: "aliases")
        let (result, elapsed) = FuzzFixture.timed {
            RunbookLoader.load(documents: [("bomb.yaml", text)], today: FuzzFixture.samples.today)
        }
        #expect(elapsed < FuzzFixture.bound)
        #expect(result.library == nil)
        #expect(result.diagnostics.map(\.message).contains { $0.hasPrefix("aliases repeat more than 10000 values") })
    }

    @Test func anAliasBombBotYAMLIsRefusedInTime() {
        let text = YAMLMutations.laughs(levels: 8, width: 7, placement: .asKey, in: FuzzFixture.samples.settingsText, key: "declare")
        let (loaded, elapsed) = FuzzFixture.timed { RunbookLoader.loadSettings(file: "bot.yaml", text: text) }
        #expect(elapsed < FuzzFixture.bound)
        #expect(loaded.1.map(\.message).contains { $0.hasPrefix("aliases repeat more than 10000 values") })
    }

    @Test func aliasesThatRepeatLittleStillLoad() throws {
        let sample = FuzzFixture.samples.runbookTexts[0]
        let text = sample
            .replacingOccurrences(of: "  title: Invoice processing pipeline\n", with: "  title: &title Invoice processing pipeline\n")
            .replacingOccurrences(of: "    - invoice parser\n", with: "    - invoice *parser\n    - \"*\"\n    - *title\n")
        #expect(text != sample)
        let result = RunbookLoader.load(documents: [("anchored.yaml", text)], today: FuzzFixture.samples.today)
        let library = try #require(result.library, "\(result.diagnostics)")
        let aliases = library.runbooks[0].system.aliases
        #expect(["invoice *parser", "*", "Invoice processing pipeline"].allSatisfy(aliases.contains))
    }

    // MARK: Long words in a runbook

    /// Fuzz seed 7, runbook input #844: a detection alarm of 5,347 letters "é". The typo
    /// index stored every two-letter deletion of every term, cubic in its length, and the
    /// runbook did not load for minutes. Terms too long to be a correction are now left out
    /// of that index; searching is unchanged.
    @Test(arguments: [("é", 5_347), ("x", 20_000), ("q", 300)] as [(Character, Int)])
    func aRunbookWithAnEnormousWordLoadsInTime(letter: Character, count: Int) throws {
        let word = String(repeating: letter, count: count)
        let sample = FuzzFixture.samples.runbookTexts[0]
        let text = sample.replacingOccurrences(of: "    title: Lambda timeout (function runs >15 min)\n", with: "    title: Lambda timeout \(word)\n")
        #expect(text != sample)
        let (result, elapsed) = FuzzFixture.timed { RunbookLoader.load(documents: [("long.yaml", text)], today: FuzzFixture.samples.today) }
        #expect(elapsed < FuzzFixture.bound)
        let library = try #require(result.library, "\(result.diagnostics)")
        #expect(library.index.search("timout").best?.entry.id == "lambda-timeout")
        #expect(library.index.search(word).best?.entry.id == "lambda-timeout")
    }
}

/// A JSON member that is text or anything else, to read an acknowledgement back.
enum JSONValueOrString: Decodable, Equatable {
    case string(String)
    case other

    init(from decoder: any Decoder) throws {
        self = (try? decoder.singleValueContainer().decode(String.self)).map(Self.string) ?? .other
    }
}
