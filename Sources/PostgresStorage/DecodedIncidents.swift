import Incidents
import Storage
import Synchronization

/// The incidents the outbox last decoded, each with the exact text of the record it came
/// from. An escalation queues three messages (the ping, the card's update, "last level
/// reached"), sent one after another, each claimed with its incident's record; the record
/// rarely changes in between, and decoding it was the largest single cost of a replica
/// under a burst of escalations (JSON decoding about a tenth of its CPU, two thirds of it
/// for claims). A record is reused only when its text is the same, so nothing stale is
/// ever handed out; the cache is bounded and simply emptied when full.
final class DecodedIncidents: Sendable {
    private let entries = Mutex<[Int: (body: String, incident: Incident)]>([:])
    static let capacity = 512

    /// How many records are kept now.
    var count: Int { entries.withLock { $0.count } }

    /// The incident `body` holds; nil when it cannot be decoded.
    func incident(number: Int, body: String) -> Incident? {
        if let hit = entries.withLock({ $0[number] }), hit.body == body { return hit.incident }
        guard let incident = try? StoredIncident.decode(body) else { return nil }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[number] = (body, incident)
        }
        return incident
    }
}
