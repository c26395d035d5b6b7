@testable import RunbookModel
import Testing

/// How runbook text and queries become terms: the same words must meet however they were
/// written, pasted or inflected.
struct TokenizerTests {
    @Test(arguments: [
        ("timeouts", "timeout"), ("retries", "retry"), ("throttled", "throttl"), ("processing", "process"),
        ("invoices", "invoic"), ("dies", "die"), ("status", "status"), ("analysis", "analysis"),
        ("class", "class"), ("bus", "bus"), ("queue", "queue"), ("failed", "fail"), ("timeout", "timeout"),
    ])
    func endingsAreStripped(word: String, stem: String) {
        #expect(Tokenizer.terms(word) == [stem])
    }

    @Test func camelCaseWordsAlsoGiveTheirParts() {
        #expect(Tokenizer.terms("ConditionalCheckFailedException") == [
            "conditionalcheckfailedexception", "conditional", "check", "fail", "exception",
        ])
        #expect(Tokenizer.terms("the S3 AccessDenied error, 00 times") == ["s3", "accessdeni", "access", "deni", "error", "time"])
    }

    /// Repeats of the first words of a long paste do not use up the words that are ranked.
    @Test func repeatedWordsCountOnce() {
        let index = SampleRunbook.library.index
        let filler = (0..<10).map { "zz\($0)q" }
        let paste = Array(repeating: filler, count: 60).flatMap { $0 }.joined(separator: " ")
        #expect(paste.utf8.count < SearchIndex.maximumQueryBytes)
        #expect(index.search("\(paste) timeout").best?.entry.id == "lambda-timeout")
    }
}
