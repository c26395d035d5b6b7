import Foundation
import Slack
import Testing

/// Slack's published test vector and the ways a request can be forged, tampered with or replayed.
struct SlackSignatureTests {
    static let secret = "8f742231b10e8888abcd99yyyzzz85a5"
    static let timestamp = "1531420618"
    static let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    static let signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    static let now: Int64 = 1_531_420_618

    let verifier = SlackSignature(signingSecret: secret)

    /// The reason a request is refused, or nil when it is accepted.
    private func verify(body: String = body, timestamp: String? = timestamp, signature: String? = signature, now: Int64 = now)
        -> SlackSignature.Failure?
    {
        do throws(SlackSignature.Failure) {
            try verifier.verify(body: Array(body.utf8), timestamp: timestamp, signature: signature, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test func publishedVectorVerifies() {
        #expect(verify() == nil)
    }

    @Test func signingReproducesThePublishedSignature() {
        #expect(verifier.signature(timestamp: Self.timestamp, body: Array(Self.body.utf8)) == Self.signature)
    }

    @Test func tamperedBodyFails() {
        #expect(verify(body: Self.body + "------") == .mismatch)
        #expect(verify(body: Self.body.replacingOccurrences(of: "roadrunner", with: "coyote")) == .mismatch)
    }

    @Test func wrongSecretFails() {
        let other = SlackSignature(signingSecret: "not-the-secret")
        #expect(throws: SlackSignature.Failure.mismatch) {
            try other.verify(body: Array(Self.body.utf8), timestamp: Self.timestamp, signature: Self.signature, now: Self.now)
        }
    }

    @Test func realClockFailsAsExpired() {
        let realNow = Int64(Date().timeIntervalSince1970)
        guard case .stale = verify(now: realNow) else {
            Issue.record("a 2018 timestamp must be refused today")
            return
        }
    }

    @Test func fiveMinuteWindowIsInclusive() {
        #expect(verify(now: Self.now + 300) == nil)
        #expect(verify(now: Self.now - 300) == nil)
        #expect(verify(now: Self.now + 301) == .stale(skewSeconds: 301))
        #expect(verify(now: Self.now - 301) == .stale(skewSeconds: -301))
    }

    @Test func missingOrMalformedHeadersFail() {
        #expect(verify(timestamp: nil) == .missingHeaders)
        #expect(verify(signature: nil) == .missingHeaders)
        #expect(verify(timestamp: "yesterday") == .malformedTimestamp)
        #expect(verify(signature: "v1=" + Self.signature.dropFirst(3)) == .malformedSignature)
        #expect(verify(signature: String(Self.signature.dropLast())) == .malformedSignature)
        #expect(verify(signature: String(Self.signature.dropLast()) + "g") == .malformedSignature)
        #expect(verify(signature: "") == .malformedSignature)
    }

    @Test func signatureForAnotherTimestampFails() {
        // A captured signature cannot be replayed with a fresh timestamp.
        #expect(verify(timestamp: "1531420700", now: 1_531_420_700) == .mismatch)
    }
}

struct FormBodyTests {
    @Test func decodesSlacksSlashCommandBody() throws {
        let fields = try FormBody.decode(Array(SlackSignatureTests.body.utf8))
        #expect(fields["command"] == "/webhook-collect")
        #expect(fields["text"] == "")
        #expect(fields["response_url"] == "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN")
        let payload = try SlashCommandPayload(fields: fields)
        #expect(payload.userID == "U2CERLKJA")
        #expect(payload.channelID == "G8PSS9T3V")
    }

    @Test func decodesPlusAndPercentEscapes() throws {
        let fields = try FormBody.decode(Array("text=Task+timed+out+after+900.00%21&command=%2Frunbook&k".utf8))
        #expect(fields == ["text": "Task timed out after 900.00!", "command": "/runbook", "k": ""])
    }

    @Test func roundTripsThroughEncode() throws {
        let original = [("text", "ConditionalCheckFailedException & <stuff> = 100%"), ("command", "/runbook")]
        let decoded = try FormBody.decode(Array(FormBody.encode(original).utf8))
        #expect(decoded == Dictionary(uniqueKeysWithValues: original))
    }

    @Test(arguments: ["text=%ZZ", "text=%4", "text=%"])
    func rejectsMalformedEscapes(_ body: String) {
        #expect(throws: FormBody.DecodingError.self) { try FormBody.decode(Array(body.utf8)) }
    }

    @Test(arguments: [
        ("caf%C3%A9", "café"), ("%F0%9F%9A%A8", "🚨"), ("%E2%9C%93", "✓"), ("%ED%9F%BF", "\u{D7FF}"), ("%F4%8F%BF%BF", "\u{10FFFF}"),
    ])
    func decodesValidUTF8(_ escaped: String, _ expected: String) throws {
        #expect(try FormBody.decode(Array("text=\(escaped)".utf8))["text"] == expected)
    }

    @Test(arguments: ["%C0%AF", "%E0%80%AF", "%ED%A0%80", "%F4%90%80%80", "%F8%88%80%80%80", "%E2%9C", "%80", "%C3%28"])
    func rejectsInvalidUTF8(_ escaped: String) {
        #expect(throws: FormBody.DecodingError.invalidUTF8) { try FormBody.decode(Array("text=\(escaped)".utf8)) }
    }

    @Test func rejectsDuplicateFields() {
        #expect(throws: FormBody.DecodingError.duplicateField("text")) { try FormBody.decode(Array("text=a&text=b".utf8)) }
    }

    @Test func slashCommandNeedsCommandAndUser() {
        #expect(throws: SlashCommandPayload.DecodingError.missingField("command")) {
            try SlashCommandPayload(fields: ["user_id": "U1", "text": "x"])
        }
        #expect(throws: SlashCommandPayload.DecodingError.missingField("user_id")) {
            try SlashCommandPayload(fields: ["command": "/runbook"])
        }
    }
}
