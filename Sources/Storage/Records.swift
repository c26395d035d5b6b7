import Foundation
import GRDB
import Incidents

/// Bodies are stored as JSON text so rows stay readable with the sqlite3 shell.
package enum JSON {
    package static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    package static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

/// Columns are snake_case in SQL and camelCase in Swift.
protocol SnakeCaseRecord: Codable, FetchableRecord, PersistableRecord {}

extension SnakeCaseRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

/// A row of `incident`: the indexed fields beside the whole incident as JSON. The
/// PostgreSQL store derives its columns the same way, from this.
package struct IncidentRow: SnakeCaseRecord {
    package static let databaseTableName = "incident"
    // As every record here; spelled out because this one is visible to the package.
    package static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    package static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }

    package var number: Int
    package var id: String
    package var channel: String
    package var state: String
    package var declaredAt: Int64
    package var resolvedAt: Int64?
    package var nextDeadline: Int64?
    package var body: String
    /// Why the body could not be decoded; such a row is skipped by every query.
    package var damaged: String?

    /// Derives every column from the incident, so the columns can never disagree with the body.
    package init(_ incident: Incident) throws {
        number = incident.number
        id = incident.id
        channel = incident.channel
        state = incident.state.rawValue
        declaredAt = incident.declaredAt.milliseconds
        resolvedAt = incident.resolvedAt?.milliseconds
        nextDeadline = EscalationPlanner.nextDeadline(incident)?.milliseconds
        body = try JSON.encode(incident)
    }

    package func incident() throws -> Incident {
        try JSON.decode(Incident.self, from: body)
    }
}

struct TimelineRow: SnakeCaseRecord {
    static let databaseTableName = "timeline"

    var id: Int64?
    var incidentNumber: Int
    var at: Int64
    var actor: String
    var kind: String
    var text: String

    init(_ entry: TimelineEntry, incidentNumber: Int) {
        self.incidentNumber = incidentNumber
        at = entry.at.milliseconds
        actor = entry.actor
        kind = entry.kind.rawValue
        text = entry.text
    }

    func entry() throws -> TimelineEntry {
        guard let kind = TimelineEntry.Kind(rawValue: kind) else {
            throw StorageError.corrupt("unknown timeline kind \(kind)")
        }
        return TimelineEntry(at: Timestamp(milliseconds: at), actor: actor, kind: kind, text: text)
    }
}

struct OutboxRow: SnakeCaseRecord {
    static let databaseTableName = "outbox"

    var id: Int64?
    var incidentNumber: Int
    var queue: String
    var body: String
    var status: String
    var attempts: Int
    var nextAttemptAt: Int64
    var lastError: String?
    var createdAt: Int64
    var deliveredAt: Int64?
    var damaged: String?
    var retrySetAt: Int64?
    var retryDelayMs: Int64?

    /// A new pending delivery, first tryable when it is created.
    init(_ delivery: Delivery, for incident: Incident, at created: Timestamp) throws {
        incidentNumber = incident.number
        queue = delivery.destination.queue(for: incident)
        body = try JSON.encode(delivery)
        status = DeliveryRecord.Status.pending.rawValue
        attempts = 0
        nextAttemptAt = created.milliseconds
        createdAt = created.milliseconds
    }

    func delivery() throws -> Delivery {
        try JSON.decode(Delivery.self, from: body)
    }

    func message() throws -> OutboxMessage {
        OutboxMessage(
            id: id!, incidentID: Incident.id(number: incidentNumber), queue: queue, delivery: try delivery(),
            attempts: attempts, createdAt: Timestamp(milliseconds: createdAt)
        )
    }

    func record() throws -> DeliveryRecord {
        guard let status = DeliveryRecord.Status(rawValue: status) else {
            throw StorageError.corrupt("unknown outbox status \(status)")
        }
        return DeliveryRecord(id: id!, queue: queue, delivery: try delivery(), status: status, attempts: attempts, lastError: lastError)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A change tried to save an incident under a different number than the one it was given.
    case numberMismatch(expected: Int, got: Int)
    case corrupt(String)

    public var description: String {
        switch self {
        case .numberMismatch(let expected, let got): "change saved incident \(got) as incident \(expected)"
        case .corrupt(let detail): "corrupt incident database: \(detail)"
        }
    }
}
