import Incidents
import PostgresNIO
import Storage

/// What a transaction writes for the changes it saves, and what the other replicas hear of
/// it: one statement however many incidents changed. Under load every statement is a round
/// trip that waits on a busy database; a batch of 16 escalations is written with the same
/// one statement as a single one.
struct ChangeWrites {
    /// Incidents whose rows are rewritten (not those just inserted by a declaration).
    var incidents: [StoredIncident] = []
    var timeline: [(incidentNumber: Int, entry: TimelineEntry)] = []
    var outbox: [(incidentNumber: Int, queue: String, body: String, created: Timestamp)] = []
    /// Incidents whose stored record could not be decoded, to be set aside.
    var quarantined: [(number: Int, reason: String)] = []
    /// What the other replicas hear at commit.
    var changes: Set<StoreChange> = []

    /// A change's timeline lines and deliveries; its incident's row too, unless `rewritesRow`
    /// is false (a declaration inserts the row itself).
    mutating func add(_ change: Change, created: Timestamp, rewritesRow: Bool = true) throws {
        let incident = change.transition.incident
        if rewritesRow { incidents.append(try StoredIncident(incident)) }
        timeline += change.transition.timeline.map { (incident.number, $0) }
        for delivery in change.deliveries { try add(delivery, for: incident, created: created) }
        changes.insert(.deadlines)
        if !change.deliveries.isEmpty { changes.insert(.outbox) }
    }

    /// One message for the incident's outbox, in the queue its destination names.
    mutating func add(_ delivery: Delivery, for incident: Incident, created: Timestamp) throws {
        outbox.append((incident.number, delivery.destination.queue(for: incident), try JSON.encode(delivery), created))
    }
}

extension PostgresIncidentStore {
    /// Writes everything `writes` holds in one statement, in the caller's transaction: the
    /// rows as data-modifying `WITH` clauses (each runs to completion whether or not it is
    /// read), the notification as the statement's own result. Arrays carry no NULLs, so an
    /// absent time travels as -1 (no time in the store is negative); lines and messages are
    /// inserted in the order given, which their ids keep.
    func write(_ writes: ChangeWrites, on connection: PostgresConnection) async throws {
        for (number, reason) in writes.quarantined { try await quarantineIncident(number: number, reason: reason, on: connection) }
        guard !(writes.incidents.isEmpty && writes.timeline.isEmpty && writes.outbox.isEmpty && writes.changes.isEmpty) else { return }
        let rows = writes.incidents, lines = writes.timeline, messages = writes.outbox
        let kinds = StoreChange.allCases.filter(writes.changes.contains).map(\.rawValue).joined(separator: ",")
        let payload = kinds.isEmpty ? "" : "\(kinds) \(replica)"
        try await connection.query("""
            WITH rewritten AS (
              UPDATE incident SET channel = v.channel, state = v.state, declared_at = v.declared_at,
                resolved_at = NULLIF(v.resolved_at, -1), next_deadline = NULLIF(v.next_deadline, -1), body = v.body
              FROM unnest(\(rows.map(\.number))::bigint[], \(rows.map(\.channel))::text[], \(rows.map(\.state))::text[],
                          \(rows.map(\.declaredAt))::bigint[], \(rows.map { $0.resolvedAt ?? -1 })::bigint[],
                          \(rows.map { $0.nextDeadline ?? -1 })::bigint[], \(rows.map(\.body))::text[])
                AS v(number, channel, state, declared_at, resolved_at, next_deadline, body)
              WHERE incident.number = v.number
            ), lines AS (
              INSERT INTO timeline (incident_number, at, actor, kind, text)
              SELECT number, at, actor, kind, text
              FROM unnest(\(lines.map { $0.incidentNumber })::bigint[], \(lines.map { $0.entry.at.milliseconds })::bigint[],
                          \(lines.map { $0.entry.actor })::text[], \(lines.map { $0.entry.kind.rawValue })::text[],
                          \(lines.map { $0.entry.text })::text[])
                WITH ORDINALITY AS v(number, at, actor, kind, text, position)
              ORDER BY position
            ), messages AS (
              INSERT INTO outbox (incident_number, queue, body, status, attempts, next_attempt_at, created_at)
              SELECT number, queue, body, 'pending', 0, created, created
              FROM unnest(\(messages.map { $0.incidentNumber })::bigint[], \(messages.map { $0.queue })::text[],
                          \(messages.map { $0.body })::text[], \(messages.map { $0.created.milliseconds })::bigint[])
                WITH ORDINALITY AS v(number, queue, body, created, position)
              ORDER BY position
            )
            SELECT pg_notify(\(Self.notifyChannel), \(payload)) WHERE \(payload) <> ''
            """, logger: logger)
    }

    func save(_ incident: Incident, on connection: PostgresConnection) async throws {
        try await write(ChangeWrites(incidents: [try StoredIncident(incident)]), on: connection)
    }

    func insertTimeline(_ entry: TimelineEntry, incidentNumber: Int, on connection: PostgresConnection) async throws {
        try await write(ChangeWrites(timeline: [(incidentNumber, entry)]), on: connection)
    }

    func insertOutbox(_ delivery: Delivery, for incident: Incident, at created: Timestamp, on connection: PostgresConnection) async throws {
        var writes = ChangeWrites()
        try writes.add(delivery, for: incident, created: created)
        try await write(writes, on: connection)
    }

    /// Tells the other replicas at commit. The payload names this replica: it hears its own
    /// commits through its own loops' signals already, as a single process on SQLite does,
    /// and waking on them too made every commit cost each of its loops another query.
    func notify(_ change: StoreChange, on connection: PostgresConnection) async throws {
        try await write(ChangeWrites(changes: [change]), on: connection)
    }
}
