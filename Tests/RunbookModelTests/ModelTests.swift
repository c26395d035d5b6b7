import RunbookModel
import Testing

struct DurationTests {
    @Test(arguments: [("90s", 90), ("15m", 900), ("1h30m", 5400), ("2d", 172_800), ("0m", 0), (" 5m ", 300)])
    func parses(_ text: String, _ seconds: Int) {
        #expect(RunbookDuration(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "15", "m", "15 m", "30m1h", "1h1h", "-5m", "1.5h", "15min", "9999999999s"])
    func rejects(_ text: String) {
        #expect(RunbookDuration(parsing: text) == nil)
    }

    @Test func printsAsWritten() {
        #expect(RunbookDuration(seconds: 5400).description == "1h30m")
        #expect(RunbookDuration(seconds: 90).description == "1m30s")
    }
}

struct CalendarDateTests {
    @Test func parsesAndCountsDays() {
        let start = CalendarDate(parsing: "2024-02-28")!
        let end = CalendarDate(parsing: "2024-03-01")!
        #expect(start.days(until: end) == 2)
        #expect(CalendarDate(parsing: "2023-02-29") == nil)
        #expect(CalendarDate(parsing: "2026-13-01") == nil)
        #expect(CalendarDate(parsing: "2026-1-01") == nil)
    }

    @Test func convertsUnixTime() {
        #expect(CalendarDate(unixSeconds: 0).description == "1970-01-01")
        #expect(CalendarDate(unixSeconds: 1_531_420_618).description == "2018-07-12")
        #expect(CalendarDate(parsing: "2018-07-12")!.daysSinceEpoch == 17_724)
    }
}

struct ChatAddressTests {
    @Test func recognisesEachForm() {
        #expect(ChatAddress(parsing: "U024BE7LH") == .user(id: "U024BE7LH"))
        #expect(ChatAddress(parsing: "S0614TZR7") == .userGroup(id: "S0614TZR7"))
        #expect(ChatAddress(parsing: "C061EG9SL") == .channel(id: "C061EG9SL"))
        #expect(ChatAddress(parsing: "#incidents") == .channelName("incidents"))
        #expect(ChatAddress(parsing: "@charles") == .handle("charles"))
        #expect(ChatAddress(parsing: "charles") == nil)
        #expect(ChatAddress(parsing: "Ufoo") == nil)
    }
}
