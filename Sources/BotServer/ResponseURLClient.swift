import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Slack

/// Posts to an interaction's `response_url`: how a button's answer reaches the person who
/// clicked (ephemeral) or the channel (`in_channel`).
struct ResponseURLClient: Sendable {
    let client: HTTPClient

    func post(_ message: SlackMessage, replaceOriginal: Bool = false, to url: String, logger: Logger) async {
        var message = message
        message.replaceOriginal = replaceOriginal
        guard let body = try? JSONEncoder().encode(message) else { return }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 16)
            if response.status.code >= 300 {
                logger.warning("response_url refused the reply", metadata: ["status": "\(response.status.code)"])
            }
        } catch {
            logger.warning("could not post to response_url", metadata: ["error": "\(error)"])
        }
    }
}
