import Foundation
import RunbookModel
import Slack
import Testing

struct CardRendererTests {
    @Test func textFirstLineIsTheTitleAndSeverityShows() {
        let card = Card(title: "Lambda timeout", subtitle: "Failure mode", severity: .high,
                        sections: [Card.Section("Immediate actions", [.step(1, "Check logs", [.command("aws logs tail x")])])])
        let message = CardRenderer.message(for: card, responseType: .ephemeral)
        #expect(message.text.split(separator: "\n").first == "Lambda timeout")
        let blocks = message.blocks ?? []
        #expect(blocks.first == .header("Lambda timeout"))
        #expect(blocks[1].elements?.first?.text.contains(":large_orange_circle: *HIGH*") == true)
        #expect(blocks.contains { $0.text?.text.contains("```aws logs tail x```") == true })
    }

    @Test func mrkdwnControlCharactersAreEscaped() {
        let card = Card(title: "T", sections: [Card.Section(nil, [.command("aws sqs get-queue-attributes --queue-url <url> && echo")])])
        let section = CardRenderer.blocks(for: card).first { $0.type == "section" }
        #expect(section?.text?.text == "```aws sqs get-queue-attributes --queue-url &lt;url&gt; &amp;&amp; echo```")
    }

    @Test func mentionsOfIdsSurviveEscapingButNothingElseDoes() {
        let text = "ping <@U024BE7LH> and <!subteam^S0614TZR7> in <#C061EG9SL>; not <script> or <@lower> or <https://x|y>"
        #expect(text.slackEscapedKeepingMentions
            == "ping <@U024BE7LH> and <!subteam^S0614TZR7> in <#C061EG9SL>; not &lt;script&gt; or &lt;@lower&gt; or &lt;https://x|y&gt;")
    }

    @Test func longCardsStayInsideSlacksLimits() throws {
        let longLine = String(repeating: "x", count: 5000)
        let sections = (1...80).map { index in
            Card.Section("Section \(index)", [.text(Card.Text(longLine)), .command(longLine), .bullet("short")])
        }
        let card = Card(title: String(repeating: "T", count: 400), severity: .critical, sections: sections, footer: ["f"])
        let message = CardRenderer.message(for: card, responseType: .ephemeral, source: "bot-config/runbooks/x.yaml")
        let blocks = try #require(message.blocks)
        #expect(blocks.count == SlackLimits.blocksPerMessage)
        for block in blocks {
            #expect((block.text?.text.utf8.count ?? 0) <= SlackLimits.sectionText)
        }
        #expect((blocks[0].text?.text.count ?? 0) <= SlackLimits.headerText)
        // The cut is said, with where to read the rest, just before the footer.
        let notice = blocks[blocks.count - 2].elements?.first?.text ?? ""
        #expect(notice.contains("Cut to fit Slack"))
        #expect(notice.contains("bot-config/runbooks/x.yaml"))
        #expect(message.text.utf8.count <= SlackLimits.fallbackText)
        // Every code fence that was opened is closed.
        for block in blocks where block.type == "section" {
            #expect((block.text?.text.components(separatedBy: "```").count ?? 1) % 2 == 1)
        }
    }

    @Test func encodesSlackFieldNames() throws {
        let message = SlackMessage(responseType: .inChannel, text: "hi", blocks: [.divider])
        let json = String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
        #expect(json.contains("\"response_type\":\"in_channel\""))
        #expect(!json.contains("thread_ts"))
    }

    @Test func terminalRendererShowsWhatSlackWould() {
        let card = Card(title: "Lambda timeout", severity: .high, sections: [
            Card.Section("Immediate actions", [.step(1, "Check <logs>", [.command("aws logs tail")])]),
        ])
        let text = TerminalRenderer.render(CardRenderer.message(for: card, responseType: .ephemeral))
        #expect(text.contains("only visible to you"))
        #expect(text.contains("Lambda timeout\n=============="))
        #expect(text.contains("Check <logs>"))
        #expect(text.contains("$ aws logs tail"))
    }
}
