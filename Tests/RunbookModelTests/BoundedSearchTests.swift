@testable import RunbookModel
import Testing

/// Any text up to Slack's body limit costs a bounded amount of search work: one long word,
/// or thousands of unknown words, cannot stall the bot.
@Suite(.timeLimit(.minutes(1)))
struct BoundedSearchTests {
    let index = SampleRunbook.library.index

    @Test func aWordLongerThanAnyTermIsNotCorrected() {
        let blob = String(repeating: "x", count: 60_000)
        #expect(index.search(blob).matches.isEmpty)
        // Typos are still found where a typo is possible.
        #expect(index.search("timout").best?.entry.id == "lambda-timeout")
    }

    @Test func onlyTheFirstUnknownWordsAreStretched() {
        // Seventeen misspellings: the first sixteen are corrected, the last is not reached.
        let filler = (0..<16).map { "zq\($0)zq" }.joined(separator: " ")
        #expect(index.search("\(filler) timout").best == nil)
        #expect(index.search("timout \(filler)").best?.entry.id == "lambda-timeout")
        // Thousands of words: answered, by the words that count.
        let flood = (0..<8_000).map { "w\($0)x" }.joined(separator: " ")
        #expect(index.search(flood).matches.isEmpty)
    }

    @Test func onlyAQuerysFirstFourKilobytesAreRead() {
        // "İ" grows when lowercased; a paste of it costs work in proportion to what is read.
        let paste = String(repeating: "İİİ ", count: 2_000)
        #expect(paste.utf8.count > SearchIndex.maximumQueryBytes)
        #expect(index.search("timeout \(paste)").best?.entry.id == "lambda-timeout")
        #expect(index.search("\(paste) timeout").best == nil)
        #expect(index.systems(matching: "invoice \(paste)") == ["invoice-pipeline"])
        #expect(index.systems(matching: "\(paste) invoice").isEmpty)
    }
}
