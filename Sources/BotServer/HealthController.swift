import Foundation
import Hummingbird
import RunbookModel

/// `GET /healthz`: the bot is up, and how many runbooks and entries it serves.
struct HealthController: Sendable {
    struct Health: Encodable {
        var status = "ok"
        var runbooks: Int
        var entries: Int
    }

    let health: Health

    init(library: RunbookLibrary) {
        health = Health(runbooks: library.runbooks.count, entries: library.index.entryCount)
    }

    func addRoutes(to router: Router<BotRequestContext>) {
        let body = (try? JSONEncoder().encode(health)) ?? Data()
        router.get("healthz") { _, _ in
            Response.json(ByteBuffer(bytes: body))
        }
    }
}
