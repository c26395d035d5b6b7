import AsyncHTTPClient
import ServiceLifecycle

/// Shuts the HTTP client down when the bot stops, never in a `deinit`.
struct HTTPClientService: Service, CustomStringConvertible {
    let client: HTTPClient
    var description: String { "HTTPClientService" }

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
