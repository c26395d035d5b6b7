import ArgumentParser
import AsyncHTTPClient
import BotServer
import Foundation
import Incidents
import NIOCore
import NIOHTTP1
import Slack

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a slash command to a running bot, signed exactly as Slack signs it, and print the reply."
    )

    @Argument(help: "The command as typed in Slack, e.g. \"/runbook timeout\".")
    var commandText: String

    @Option(help: "The bot's slash-command endpoint.")
    var url = BotConfiguration.Defaults.commandsURL

    @Option(name: .customLong("data-dir"), help: "Where `serve` keeps the local signing secret.")
    var dataDirectory = BotConfiguration.Defaults.dataDirectory

    @Option(help: "Slack user id to send as.")
    var user = "U0LOCAL"

    @Option(help: "Slack channel id to send from.")
    var channel = "C0LOCAL"

    @Flag(help: "Print the raw JSON reply instead of rendering it.")
    var json = false

    func run() async throws {
        let secret = try signingSecret()
        let (command, text) = Self.split(commandText)
        let body = FormBody.encode([
            ("token", "local-verification-token"), ("team_id", "T0LOCAL"), ("team_domain", "local"),
            ("channel_id", channel), ("channel_name", "local"), ("user_id", user),
            ("user_name", ProcessInfo.processInfo.environment["USER"] ?? "local"),
            ("command", command), ("text", text), ("api_app_id", "A0LOCAL"), ("is_enterprise_install", "false"),
            ("response_url", "http://127.0.0.1/response-url-unused"), ("trigger_id", "local.\(UInt64.random(in: .min ... .max))"),
        ])
        let timestamp = String(SystemClock().now().milliseconds / 1000)
        let signature = SlackSignature(signingSecret: secret).signature(timestamp: timestamp, body: Array(body.utf8))

        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "X-Slack-Request-Timestamp", value: timestamp)
        request.headers.add(name: "X-Slack-Signature", value: signature)
        request.body = .bytes(ByteBuffer(string: body))

        let response: HTTPClientResponse
        let reply: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            reply = try await response.body.collect(upTo: 4 * 1024 * 1024)
        } catch {
            printError("could not reach the bot at \(url): \(error). Is `runbook-bot serve` running?")
            throw ExitCode(2)
        }
        let replyText = String(buffer: reply)
        guard response.status == .ok else {
            printError("the bot answered \(response.status.code) \(response.status.reasonPhrase): \(replyText)")
            throw ExitCode(1)
        }
        if json || replyText.isEmpty {
            print(replyText.isEmpty ? "(empty reply: acknowledged with no message)" : replyText)
            return
        }
        do {
            let message = try JSONDecoder().decode(SlackMessage.self, from: Data(replyText.utf8))
            print(TerminalRenderer.render(message))
        } catch {
            print(replyText)
        }
    }

    /// "/runbook timeout" → ("/runbook", "timeout"); text without a leading command is a `/runbook` query.
    static func split(_ typed: String) -> (command: String, text: String) {
        let trimmed = typed.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("/") else { return ("/runbook", trimmed) }
        let parts = trimmed.split(separator: " ", maxSplits: 1)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }

    private func signingSecret() throws -> String {
        if let secret = ProcessInfo.processInfo.environment["SLACK_SIGNING_SECRET"], !secret.isEmpty { return secret }
        if let secret = try LocalSigningSecret.read(dataDirectory: dataDirectory) { return secret }
        printError("""
            no signing secret: SLACK_SIGNING_SECRET is not set and \(LocalSigningSecret.path(dataDirectory: dataDirectory)) \
            does not exist. Start `runbook-bot serve` first (it creates the local secret), or pass --data-dir.
            """)
        throw ExitCode(2)
    }
}
