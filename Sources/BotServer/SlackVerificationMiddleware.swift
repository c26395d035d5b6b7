import Foundation
import HTTPTypes
import Hummingbird
import Incidents
import NIOCore
import Logging
import Slack

/// Guards the Slack routes: bounded body, then Slack's signature over the exact bytes.
/// A request that fails gets 401/413 and goes no further; the reason is logged, the
/// signature and secret never are.
struct SlackVerificationMiddleware: RouterMiddleware {
    typealias Context = BotRequestContext

    let signature: SlackSignature
    let maxBodySize: Int
    /// The whole body must arrive within this; a trickled body is cut off.
    let bodyTimeout: Duration
    let clock: any BotClock
    /// Signatures already accepted: the same signed request twice is a replay.
    let replays: ReplayGuard

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodySize {
            return reject(.contentTooLarge, "body of \(length) bytes is over the \(maxBodySize)-byte limit", context)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await Self.collect(&request, upTo: maxBodySize, by: clock.now().adding(bodyTimeout), clock: clock)
        } catch is NIOTooManyBytesError {
            return reject(.contentTooLarge, "body is over the \(maxBodySize)-byte limit", context)
        } catch is BodyTimedOut {
            return reject(.requestTimeout, "the body did not arrive within \(bodyTimeout)", context)
        }
        let now = clock.now().milliseconds / 1000
        let timestamp = request.headers[.slackRequestTimestamp]
        let signed = request.headers[.slackSignature]
        let failure = body.withUnsafeReadableBytes { bytes -> SlackSignature.Failure? in
            do throws(SlackSignature.Failure) {
                try signature.verify(body: bytes, timestamp: timestamp, signature: signed, now: now)
                return nil
            } catch {
                return error
            }
        }
        if let failure {
            return reject(.unauthorized, failure.description, context)
        }
        // Verified, so both headers are present and the timestamp is a number.
        let signedAt = timestamp.flatMap { Int64($0) } ?? now
        guard let signed, replays.firstTime(signature: signed, expires: signedAt + SlackSignature.maximumClockSkew, now: now) else {
            context.logger.warning("refused a replayed Slack request", metadata: [
                "status": "401", "path": "\(request.uri.path)", "signed_at": "\(signedAt)",
            ])
            return .jsonError(.unauthorized, "invalid request")
        }
        var context = context
        context.verifiedSlackBody = body
        context.verifiedSignature = signed
        return try await next(request, context)
    }

    struct BodyTimedOut: Error {}

    /// The body, or `BodyTimedOut` when a part of it arrives after `deadline`. A client that
    /// stops sending altogether is cut off by the server's idle timeout; one that trickles
    /// is cut off here. Checking the clock per part costs no task or timer per request.
    static func collect(_ request: inout Request, upTo limit: Int, by deadline: Timestamp, clock: any BotClock) async throws -> ByteBuffer {
        var collected = ByteBuffer()
        for try await part in request.body {
            guard collected.readableBytes + part.readableBytes <= limit else { throw NIOTooManyBytesError(maxBytes: limit) }
            var part = part
            collected.writeBuffer(&part)
            if clock.now() > deadline { throw BodyTimedOut() }
        }
        request.body = .init(buffer: collected)
        return collected
    }

    private func reject(_ status: HTTPResponse.Status, _ reason: String, _ context: Context) -> Response {
        context.logger.notice("rejected Slack request", metadata: ["status": "\(status.code)", "reason": "\(reason)"])
        return .jsonError(status, status == .unauthorized ? "invalid request" : reason)
    }
}

extension HTTPField.Name {
    static let slackRequestTimestamp = Self("X-Slack-Request-Timestamp")!
    static let slackSignature = Self("X-Slack-Signature")!
}
