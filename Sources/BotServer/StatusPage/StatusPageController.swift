import Foundation
import Hummingbird
import Incidents

/// `GET /status` and `GET /status.json`: open incidents and those resolved in the last
/// seven days, public fields only. Unauthenticated by design; it shows nothing private.
struct StatusPageController: Sendable {
    let store: any IncidentStore
    let clock: any BotClock
    let times: TimeFormatter
    let page: StatusPageTemplate

    func addRoutes(to router: Router<BotRequestContext>) {
        router.get("status") { _, _ in
            let html = page.render(try await status())
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: html))
            )
        }
        router.get("status.json") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(try await status())
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: data))
            )
        }
    }

    private func status() async throws -> PublicStatus {
        let now = clock.now()
        return PublicStatus(
            open: try await store.openIncidents(channel: nil),
            resolved: try await store.resolvedIncidents(since: now.adding(seconds: -7 * 86_400)),
            now: now, times: times
        )
    }
}
