import RunbookModel

/// Who one rotation reached for one ping, decided at the moment the ping was made and kept
/// with it, so the message and the timeline name the same people whenever it is delivered.
public struct OnCallAnswer: Codable, Hashable, Sendable {
    public var rotationID: String
    public var rotationName: String
    /// Whoever is on call (PagerDuty may name more than one); empty in a gap.
    public var onCall: [NotifyTarget]
    /// When the current shift ends, when known.
    public var until: Timestamp?
    /// In a gap: the rotation's participants, reached instead.
    public var fallback: [NotifyTarget]
    /// Something the reader should know about the answer ("PagerDuty could not be asked …").
    public var note: String?

    public init(
        rotationID: String, rotationName: String, onCall: [NotifyTarget], until: Timestamp? = nil,
        fallback: [NotifyTarget] = [], note: String? = nil
    ) {
        self.rotationID = rotationID
        self.rotationName = rotationName
        self.onCall = onCall
        self.until = until
        self.fallback = fallback
        self.note = note
    }

    public var isGap: Bool { onCall.isEmpty }

    /// Everyone this answer reaches.
    public var reached: [NotifyTarget] { isGap ? fallback : onCall }

    /// One plain line for the timeline: "on call for Invoice on-call: Charles (charles, U0CHARLES)".
    public var summary: String {
        func who(_ target: NotifyTarget) -> String {
            let address = target.chat.map { "\($0)" } ?? target.email
            return "\(target.name) (\(([target.contactID] + [address].compactMap { $0 }).joined(separator: ", ")))"
        }
        var line = isGap
            ? "nobody on call for \(rotationName); reached its participants: \(fallback.map(who).joined(separator: ", "))"
            : "on call for \(rotationName): \(onCall.map(who).joined(separator: ", "))"
        if let note { line += " (\(note))" }
        return line
    }
}

/// What PagerDuty (or any outside schedule) said about one schedule, in neutral terms.
public enum ExternalOnCall: Sendable, Hashable {
    case onCall([ExternalPerson], until: Timestamp?)
    /// It could not be asked, or its answer could not be read.
    case unavailable(reason: String)
}

public struct ExternalPerson: Sendable, Hashable {
    public var name: String
    public var email: String?

    public init(name: String, email: String?) {
        self.name = name
        self.email = email
    }
}
