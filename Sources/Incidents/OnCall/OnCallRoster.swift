import Foundation
import RunbookModel

/// Everything needed to say who is on call, as plain values: the rotations of
/// `oncall.yaml`, the overrides recorded from chat, and what PagerDuty said about the
/// rotations it keeps. Pure: every question takes the instant it is about.
public struct OnCallRoster: Sendable {
    public let library: RunbookLibrary
    /// Recorded overrides, applied after the file's own (so they win where both apply).
    public var overrides: [OnCallOverride]
    /// PagerDuty's answers, by rotation id; a PagerDuty rotation without one is unavailable.
    public var external: [String: ExternalOnCall]
    /// Set when the recorded overrides could not be read: answers say so.
    public var overridesProblem: String?

    public init(
        library: RunbookLibrary, overrides: [OnCallOverride] = [], external: [String: ExternalOnCall] = [:],
        overridesProblem: String? = nil
    ) {
        self.library = library
        self.overrides = overrides
        self.external = external
        self.overridesProblem = overridesProblem
    }

    public var rotations: [Rotation] { library.rotations }

    /// A rotation by id, or the first rotation a system's contacts name (`/oncall invoice`).
    public func rotation(named name: String) -> Rotation? {
        let wanted = name.lowercased()
        if let rotation = library.rotation(wanted) { return rotation }
        guard let runbook = library.runbook(named: name) else { return nil }
        return runbook.contacts.lazy.compactMap { $0.rotation.flatMap(library.rotation) }.first
    }

    /// The file's schedule with the recorded overrides of this rotation cut in; nil for a
    /// rotation PagerDuty keeps.
    public func schedule(_ rotation: Rotation) -> RotationSchedule? {
        guard let schedule = RotationSchedule(rotation) else { return nil }
        let recorded = overrides.filter { $0.rotationID == rotation.id }.sorted { $0.id < $1.id }
        return schedule.adding(overrides: recorded.map {
            Shift(contact: $0.contactID, from: $0.from.date, until: $0.until.date, isOverride: true)
        })
    }

    /// Who `rotation` reaches at `now`.
    public func answer(_ rotation: Rotation, at now: Timestamp) -> OnCallAnswer {
        var answer = OnCallAnswer(rotationID: rotation.id, rotationName: rotation.name, onCall: [])
        if let schedule = schedule(rotation) {
            switch schedule.status(at: now.date) {
            case .onCall(let shift):
                answer.onCall = [target(shift.contact)]
                answer.until = Timestamp(shift.until)
            case .gap(let fallback):
                answer.fallback = fallback.map(target)
            }
            answer.note = overridesProblem.map { "overrides recorded in chat could not be read: \($0)" }
            return answer
        }
        switch external[rotation.id] ?? .unavailable(reason: "not asked") {
        case .onCall(let people, let until) where !people.isEmpty:
            answer.onCall = people.map(target)
            answer.until = until
        case .onCall:
            answer.fallback = rotation.fallbackParticipants.map(target)
            answer.note = "PagerDuty says nobody is on call"
        case .unavailable(let reason):
            answer.fallback = rotation.fallbackParticipants.map(target)
            answer.note = "PagerDuty could not be asked (\(reason)); reached the participants in oncall.yaml instead"
        }
        return answer
    }

    /// A contact id as someone to reach; an id no runbook declares is shown as itself.
    func target(_ contactID: String) -> NotifyTarget {
        library.contact(anywhere: contactID).map(NotifyTarget.init(contact:))
            ?? NotifyTarget(contactID: contactID, name: contactID)
    }

    /// A person PagerDuty named, as the contact with the same email when there is one.
    func target(_ person: ExternalPerson) -> NotifyTarget {
        if let email = person.email?.lowercased(),
           let contact = library.runbooks.lazy.flatMap(\.contacts).first(where: { $0.email?.lowercased() == email }) {
            return NotifyTarget(contact: contact)
        }
        return NotifyTarget(contactID: person.email ?? person.name, name: person.name, email: person.email)
    }
}

extension Timestamp {
    /// The instant as Foundation's `Date`, for the rotation schedules.
    public var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    public init(_ date: Date) {
        self.init(seconds: date.timeIntervalSince1970)
    }
}
