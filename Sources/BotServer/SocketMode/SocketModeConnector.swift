import AsyncHTTPClient
import Foundation
import NIOCore

/// `apps.connections.open`: a fresh websocket URL for Socket Mode, with the app-level token.
struct SocketModeConnector: Sendable {
    let apiURL: String
    let appToken: String
    let client: HTTPClient

    enum Failure: Error, CustomStringConvertible {
        case rateLimited(retryAfterSeconds: Double)
        case refused(String)
        case unreachable(String)

        var description: String {
            switch self {
            case .rateLimited(let seconds): "rate limited; retry after \(seconds) s"
            case .refused(let error): "Slack refused: \(error)"
            case .unreachable(let error): "Slack unreachable: \(error)"
            }
        }
    }

    func open() async throws(Failure) -> String {
        var request = HTTPClientRequest(url: (apiURL.hasSuffix("/") ? apiURL : apiURL + "/") + "apps.connections.open")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(appToken)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(10))
            body = try await response.body.collect(upTo: 1 << 16)
        } catch {
            throw .unreachable("\(error)")
        }
        let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init) ?? 30
        if response.status.code == 429 { throw .rateLimited(retryAfterSeconds: retryAfter) }
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any]
        if json?["ok"] as? Bool == true, let url = json?["url"] as? String { return url }
        let error = json?["error"] as? String ?? "HTTP \(response.status.code)"
        if error == "ratelimited" { throw .rateLimited(retryAfterSeconds: retryAfter) }
        throw .refused(error)
    }
}

extension SocketModeConnector: CustomStringConvertible {
    var description: String { "SocketModeConnector(\(apiURL), token redacted)" }
}
