import Foundation
import GRDB

/// Migration `v2-chat-neutral`: version 1 kept Slack mention markup inside stored incidents
/// and outbox rows. This rewrites them as data, so a mention renders however the chat
/// adapter of the day renders it:
/// - contacts' `slack` strings (a user, user-group or channel id wrapped as a Slack mention,
///   or a plain `#name` / `@name`) become `chat` addresses (`U1`, `S1`, `C1`, `#name`, `@name`);
/// - immediate actions stored as "text\ncommand" become `{text, command}`;
/// - escalation and chain-stop reasons stored as sentences become
///   `{"recorded": {"text": …}}`, shown as they were written.
/// Version 1 wrote these bodies with Foundation's encoder, so the rewrite works on the
/// same untyped JSON it wrote; anything it does not recognise is left as it is.
enum ChatNeutralMigration {
    static func migrate(_ db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT number, body FROM incident") {
            let number: Int = row["number"]
            let body: String = row["body"]
            guard var incident = object(body) else { continue }
            if var policy = incident["policy"] as? [String: Any] {
                if let levels = policy["levels"] as? [[String: Any]] {
                    policy["levels"] = levels.map { level in
                        var level = level
                        if let targets = level["targets"] as? [[String: Any]] { level["targets"] = targets.map(target) }
                        return level
                    }
                }
                if var critical = policy["critical"] as? [String: Any] {
                    if let page = critical["page"] as? [String: Any] { critical["page"] = target(page) }
                    if let targets = critical["targets"] as? [[String: Any]] { critical["targets"] = targets.map(target) }
                    policy["critical"] = critical
                }
                incident["policy"] = policy
            }
            if let actions = incident["immediateActions"] as? [String] {
                incident["immediateActions"] = actions.map(action)
            }
            try db.execute(sql: "UPDATE incident SET body = ? WHERE number = ?", arguments: [try text(incident), number])
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, body FROM outbox") {
            let id: Int64 = row["id"]
            let body: String = row["body"]
            guard var delivery = object(body), var effect = delivery["effect"] as? [String: Any] else { continue }
            for key in ["notifyLevel", "chainStopped"] {
                guard var payload = effect[key] as? [String: Any], let reason = payload["reason"] as? String else { continue }
                payload["reason"] = ["recorded": ["text": reason]]
                effect[key] = payload
            }
            delivery["effect"] = effect
            try db.execute(sql: "UPDATE outbox SET body = ? WHERE id = ?", arguments: [try text(delivery), id])
        }
    }

    /// `{"slack": <mention of U1>, …}` → `{"chat": "U1", …}`.
    static func target(_ target: [String: Any]) -> [String: Any] {
        var target = target
        guard let slack = target.removeValue(forKey: "slack") as? String else { return target }
        target["chat"] = address(slack)
        return target
    }

    /// The id inside a wrapped mention (the brackets, then the user `@`, channel `#` or
    /// user-group `!subteam^` marker, removed); a plain `#name` or `@name` stays as it is.
    static func address(_ stored: String) -> String {
        guard stored.hasPrefix("<"), stored.hasSuffix(">") else { return stored }
        var inner = stored.dropFirst().dropLast()
        for marker in ["!subteam^", "@", "#"] where inner.hasPrefix(marker) {
            inner = inner.dropFirst(marker.count)
            break
        }
        return String(inner)
    }

    /// "text\ncommand" → `{"text": "text", "command": "command"}`.
    static func action(_ line: String) -> [String: Any] {
        let parts = line.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        var action: [String: Any] = ["text": parts[0]]
        if parts.count > 1 { action["command"] = parts[1] }
        return action
    }

    private static func object(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    private static func text(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
