import BotServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Slack
import Testing

/// The listener over a real loopback socket: signed lookups are answered, and every
/// kind of bad request is refused with its status and changes nothing.
struct SlashCommandTests {
    private func post(
        _ body: String, headers: HTTPFields, logs: LogRecorder, maxBodySize: Int = 64 * 1024,
        _ check: @escaping @Sendable (TestResponse) throws -> Void
    ) async throws {
        let app = try Fixture.application(logs: logs, maxBodySize: maxBodySize)
        try await app.test(.live) { client in
            try await client.execute(uri: "/slack/commands", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                try check($0)
            }
        }
    }

    private func decode(_ response: TestResponse) throws -> SlackMessage {
        try JSONDecoder().decode(SlackMessage.self, from: Data(String(buffer: response.body).utf8))
    }

    @Test func signedLookupIsAnsweredWithBlocksAndText() async throws {
        let logs = LogRecorder()
        let body = Fixture.slashCommandBody(text: "timeout")
        try await post(body, headers: Fixture.signedHeaders(body: body), logs: logs) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let message = try decode(response)
            #expect(message.responseType == .ephemeral)
            #expect(message.text.split(separator: "\n").first == "Lambda timeout (function runs &gt;15 min)")
            let blocks = try #require(message.blocks)
            #expect(blocks.first == .header("Lambda timeout (function runs >15 min)"))
            #expect(blocks.contains { $0.text?.text.contains("Task timed out after 900.00 seconds") == true })
            #expect(blocks.count <= 50)
        }
        let handled = logs.messages("slash command handled")
        #expect(handled.count == 1)
        #expect(handled.first?.metadata["entry"] == "invoice-pipeline/failure mode/lambda-timeout")
    }

    @Test func shareIsPostedInChannel() async throws {
        let body = Fixture.slashCommandBody(text: "share ConditionalCheckFailedException")
        try await post(body, headers: Fixture.signedHeaders(body: body), logs: LogRecorder()) { response in
            let message = try decode(response)
            #expect(message.responseType == .inChannel)
            #expect(message.blocks?.first == .header("DynamoDB write errors"))
        }
    }

    @Test func repeatedAnswersKeepTheirOwnVisibility() async throws {
        // Replies are reused between identical answers; sharing must never leak into a private answer.
        let app = try Fixture.application(logs: LogRecorder())
        try await app.test(.live) { client in
            for (text, expected) in [("timeout", "ephemeral"), ("share timeout", "in_channel"), ("timeout", "ephemeral"),
                                     ("lambda timeout", "ephemeral"), ("share timeout", "in_channel")] {
                let body = Fixture.slashCommandBody(text: text)
                try await client.execute(uri: "/slack/commands", method: .post, headers: Fixture.signedHeaders(body: body),
                                         body: ByteBuffer(string: body)) { response in
                    let message = try decode(response)
                    #expect(message.responseType?.rawValue == expected, "\(text)")
                    #expect(message.blocks?.first == .header("Lambda timeout (function runs >15 min)"))
                }
            }
        }
    }

    @Test func emptyTextAndUnknownCommandsGetEphemeralHelp() async throws {
        let empty = Fixture.slashCommandBody(text: "")
        try await post(empty, headers: Fixture.signedHeaders(body: empty), logs: LogRecorder()) { response in
            let message = try decode(response)
            #expect(message.responseType == .ephemeral)
            #expect(message.text.hasPrefix("runbook-bot: runbooks in chat"))
        }
        let unknown = Fixture.slashCommandBody(command: "/deploy", text: "prod")
        try await post(unknown, headers: Fixture.signedHeaders(body: unknown), logs: LogRecorder()) { response in
            #expect(response.status == .ok)
            let message = try decode(response)
            #expect(message.responseType == .ephemeral)
            #expect(message.text.contains("does not know the command /deploy"))
        }
    }

    @Test func noMatchIsAClearEphemeralAnswer() async throws {
        let body = Fixture.slashCommandBody(text: "share kubernetes crashloopbackoff")
        try await post(body, headers: Fixture.signedHeaders(body: body), logs: LogRecorder()) { response in
            let message = try decode(response)
            #expect(message.responseType == .ephemeral)
            #expect(message.text.hasPrefix("Nothing in the runbooks matches “kubernetes crashloopbackoff”"))
        }
    }

    // MARK: Refused requests

    static let forgeries: [(name: String, headers: @Sendable (String) -> HTTPFields)] = [
        ("wrong secret", { Fixture.signedHeaders(body: $0, secret: "guessed-secret") }),
        ("stale timestamp", { Fixture.signedHeaders(body: $0, timestamp: Fixture.now - 301) }),
        ("future timestamp", { Fixture.signedHeaders(body: $0, timestamp: Fixture.now + 301) }),
        ("tampered body", { Fixture.signedHeaders(body: $0.replacingOccurrences(of: "timeout", with: "escalation")) }),
        ("no signature headers", { _ in [.contentType: "application/x-www-form-urlencoded"] }),
        ("garbage signature", { body in
            var headers = Fixture.signedHeaders(body: body)
            headers[HTTPField.Name("X-Slack-Signature")!] = "v0=zz"
            return headers
        }),
    ]

    @Test(arguments: 0..<forgeries.count)
    func forgedRequestsGet401AndNothingElse(_ index: Int) async throws {
        let forgery = Self.forgeries[index]
        let logs = LogRecorder()
        let body = Fixture.slashCommandBody(text: "timeout")
        let headers = forgery.headers(body)
        try await post(body, headers: headers, logs: logs) { response in
            #expect(response.status == .unauthorized, "\(forgery.name)")
            #expect(String(buffer: response.body) == #"{"error":"invalid request"}"#)
        }
        #expect(logs.messages("slash command handled").isEmpty, "\(forgery.name) was handled")
        #expect(logs.messages("rejected Slack request").count == 1)
        // Neither the secret nor the signature that was sent shows up in any log line.
        let sentSignature = headers[HTTPField.Name("X-Slack-Signature")!] ?? "none"
        for entry in logs.all {
            #expect(!entry.rendered.contains(Fixture.secret))
            #expect(sentSignature.count < 10 || !entry.rendered.contains(sentSignature.dropFirst(3)))
        }
    }

    @Test func hugePayloadsGet413() async throws {
        let logs = LogRecorder()
        let body = Fixture.slashCommandBody(text: String(repeating: "a", count: 70_000))
        try await post(body, headers: Fixture.signedHeaders(body: body), logs: logs) { response in
            #expect(response.status == .contentTooLarge)
        }
        #expect(logs.messages("slash command handled").isEmpty)
    }

    @Test func bodyLimitIsConfigurable() async throws {
        let body = Fixture.slashCommandBody(text: "timeout")
        try await post(body, headers: Fixture.signedHeaders(body: body), logs: LogRecorder(), maxBodySize: 64) { response in
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test(arguments: ["text=%ZZ&command=%2Frunbook&user_id=U1", "text=a&text=b", "command=%2Frunbook&text=timeout", "just some words"])
    func malformedSignedBodiesGet400(_ body: String) async throws {
        let logs = LogRecorder()
        try await post(body, headers: Fixture.signedHeaders(body: body), logs: logs) { response in
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).hasPrefix(#"{"error":""#))
        }
        #expect(logs.messages("slash command handled").isEmpty)
    }

    @Test func sslCheckGetsAnEmpty200() async throws {
        let body = "ssl_check=1&token=legacy"
        try await post(body, headers: Fixture.signedHeaders(body: body), logs: LogRecorder()) { response in
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == 0)
        }
    }

    @Test func healthzAnswers() async throws {
        let app = try Fixture.application(logs: LogRecorder())
        try await app.test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let health = try JSONDecoder().decode([String: AnyCodableScalar].self, from: Data(String(buffer: response.body).utf8))
                #expect(health == ["status": .string("ok"), "runbooks": .number(1), "entries": .number(16)])
            }
        }
    }
}

/// A JSON string or number, for comparing small JSON objects whatever their key order.
enum AnyCodableScalar: Decodable, Equatable {
    case string(String)
    case number(Double)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) { self = .number(number) } else { self = .string(try container.decode(String.self)) }
    }
}
