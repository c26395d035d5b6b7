import Foundation

extension RunbookLibrary {
    public func rotation(_ id: String) -> Rotation? {
        rotations.first { $0.id == id }
    }

    /// The contact with `id` in any runbook, the first by system id when several declare it.
    /// Rotation participants are contact ids of any runbook.
    public func contact(anywhere id: String) -> Contact? {
        runbooks.lazy.compactMap { $0.contact(id) }.first
    }

    /// Whom to reach for `contact` at `instant`: for a contact naming a rotation kept in
    /// the file, whoever is on call then (in a gap, all of the rotation's participants),
    /// followed by the contact itself when it has fixed details of its own. A contact of a
    /// PagerDuty rotation, or of none, is reached as itself.
    public func contactsToReach(_ contact: Contact, at instant: Date) -> [Contact] {
        guard let rotation = contact.rotation.flatMap(rotation), let schedule = RotationSchedule(rotation) else {
            return [contact]
        }
        var reached = schedule.status(at: instant).contacts.compactMap { self.contact(anywhere: $0) }
        if contact.hasFixedDetails { reached.append(contact) }
        return reached
    }
}

extension Contact {
    /// Has a way to reach it besides a rotation.
    public var hasFixedDetails: Bool {
        email != nil || slack != nil || pagerDuty != nil || external != nil
    }
}
