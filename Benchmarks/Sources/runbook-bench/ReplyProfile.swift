import Foundation
import Hummingbird
import RunbookModel
import Slack

/// Where the time of one `/runbook` reply goes: lookup, card, Block Kit, JSON.
enum ReplyProfile {
    static func run(configDirectory: String) {
        let today = CalendarDate(unixSeconds: Int64(Date().timeIntervalSince1970))
        guard let library = RunbookLoader.load(configDirectory: configDirectory, today: today).library else { return }
        let responder = RunbookResponder(library: library)
        let rounds = 20_000
        func time(_ name: String, _ body: () -> Void) {
            for _ in 0..<1000 { body() }
            let start = ContinuousClock.now
            for _ in 0..<rounds { body() }
            let elapsed = ContinuousClock.now - start
            let micros = (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12) / Double(rounds)
            print("\(name): \(String(format: "%.1f", micros)) µs")
        }
        let body = Array(FormBody.encode([
            ("token", "bench"), ("team_id", "T1"), ("team_domain", "bench"), ("channel_id", "C1"),
            ("channel_name", "incidents"), ("user_id", "U1"), ("user_name", "bench"), ("command", "/runbook"),
            ("text", "Task timed out after 900.00 seconds"), ("api_app_id", "A1"), ("is_enterprise_install", "false"),
            ("response_url", "https://hooks.slack.com/commands/T1/1/x"), ("trigger_id", "1.2.3"),
        ]).utf8)
        time("form decode + payload") { _ = try? SlashCommandPayload(fields: FormBody.decode(body)) }
        time("form decode only") { _ = try? FormBody.decode(body) }
        // The general decoder, for the one-line note at the top of FormBody.swift.
        let form = String(decoding: body, as: UTF8.self)
        let decoder = URLEncodedFormDecoder()
        time("URLEncodedFormDecoder into a struct") { _ = try? decoder.decode(SlashCommandForm.self, from: form) }
        time("command parse") { _ = RunbookCommand(text: "Task timed out after 900.00 seconds") }
        let signature = SlackSignature(signingSecret: "secret")
        let signed = signature.signature(timestamp: "1000", body: body)
        time("signature verify") { try? signature.verify(body: body, timestamp: "1000", signature: signed, now: 1000) }
        for query in ["timeout", "Task timed out after 900.00 seconds", "timout", "kubernetes crashloop", "escalation"] {
            let command = RunbookCommand(text: query)
            time("answer \"\(query)\"") { _ = responder.answer(command) }
            time("  search only") { _ = library.index.search(query) }
        }
        let command = RunbookCommand(text: "timeout")
        time("answer (lookup + card)") { _ = responder.answer(command) }
        let answer = responder.answer(command)
        time("Block Kit render") { _ = CardRenderer.message(for: answer.card(), responseType: .ephemeral) }
        time("plain text render") { _ = PlainTextRenderer.render(answer.card()) }
        let message = CardRenderer.message(for: answer.card(), responseType: .ephemeral)
        let encoder = JSONEncoder()
        time("JSONEncoder") { _ = try? encoder.encode(message) }
        print("reply size: \((try? encoder.encode(message))?.count ?? 0) bytes")
    }
}

/// The slash-command fields the bot reads, as Hummingbird's form decoder would fill them.
struct SlashCommandForm: Decodable {
    var command: String
    var text: String?
    var user_id: String
    var user_name: String?
    var channel_id: String?
    var channel_name: String?
    var team_id: String?
    var response_url: String?
    var trigger_id: String?
}
