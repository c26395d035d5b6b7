/// A swap recorded from chat (`/oncall override`): someone else on call for a while. Kept in
/// the store, not in `oncall.yaml`, and applied on top of the file's own overrides.
public struct OnCallOverride: Hashable, Sendable {
    public var id: Int64
    public var rotationID: String
    /// A contact id.
    public var contactID: String
    public var from: Timestamp
    /// Exclusive: the override ends as `until` begins.
    public var until: Timestamp
    public var reason: String?
    /// The chat user who recorded it.
    public var createdBy: String
    public var createdAt: Timestamp

    public init(
        id: Int64, rotationID: String, contactID: String, from: Timestamp, until: Timestamp, reason: String?,
        createdBy: String, createdAt: Timestamp
    ) {
        self.id = id
        self.rotationID = rotationID
        self.contactID = contactID
        self.from = from
        self.until = until
        self.reason = reason
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// `OVR-<n>`, as chat shows it and `/oncall override cancel` takes it.
    public var displayID: String { "OVR-\(id)" }
}

/// Durable on-call overrides. Cancelled overrides are kept (who cancelled, when) but never
/// returned by `overrides(endingAfter:)`.
public protocol OnCallStore: Sendable {
    /// Records an override; the store assigns its id.
    func addOverride(
        rotationID: String, contactID: String, from: Timestamp, until: Timestamp, reason: String?, by actor: String, at now: Timestamp
    ) async throws -> OnCallOverride

    /// Cancels an override; nil when there is no such override or it was already cancelled.
    func cancelOverride(id: Int64, by actor: String, at now: Timestamp) async throws -> OnCallOverride?

    func override(id: Int64) async throws -> OnCallOverride?

    /// Overrides not cancelled that end after `instant` (running or still to come), by start.
    func overrides(endingAfter instant: Timestamp) async throws -> [OnCallOverride]
}
