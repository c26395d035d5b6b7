/// What a button on an incident card asks for.
public enum CardAction: Equatable, Sendable {
    case acknowledge(id: String)
    case escalate(id: String, fromLevel: Int)
    case resolve(id: String)

    public static let acknowledgeID = "incident_acknowledge"
    public static let escalateID = "incident_escalate"
    public static let resolveID = "incident_resolve"

    /// From a button's action id and value (`INC-3`, or `INC-3@2` for escalation).
    public init?(actionID: String, value: String) {
        let parts = value.split(separator: "@").map(String.init)
        guard let id = parts.first.flatMap(IncidentCommand.normalizedID) else { return nil }
        switch actionID {
        case Self.acknowledgeID: self = .acknowledge(id: id)
        case Self.resolveID: self = .resolve(id: id)
        case Self.escalateID:
            guard parts.count == 2, let level = Int(parts[1]) else { return nil }
            self = .escalate(id: id, fromLevel: level)
        default: return nil
        }
    }
}
