/// What `oncall.yaml` may refer to in the runbooks: every contact id any runbook declares
/// (including runbooks left out for errors, so one mistake is not reported twice), and
/// which of those contacts stand for a rotation themselves.
struct KnownContacts {
    var ids: Set<String> = []
    var rotationContacts: Set<String> = []
}

/// Checks that need the runbooks or the whole file: rotation ids are unique, participants
/// and overrides name contacts, and nobody-on-call gaps are pointed out.
struct OnCallValidator {
    let decoder: OnCallDecoder
    let contacts: KnownContacts
    let today: CalendarDate

    private var reader: YAMLReader { decoder.reader }

    func validate() {
        rejectDuplicateIDs()
        for references in decoder.references {
            for (participant, path) in references.participants where isKnown(participant, at: path) {
                if contacts.rotationContacts.contains(participant) {
                    reader.error(
                        "contact '\(participant)' stands for a rotation itself; participants must be people (contacts with fixed details)",
                        at: path
                    )
                }
            }
            let participants = Set(references.participants.map(\.id))
            for (contact, path) in references.overrideContacts where isKnown(contact, at: path) {
                if !participants.contains(contact) {
                    reader.warning(
                        "'\(contact)' is not one of this rotation's participants; the override still puts them on call",
                        at: path
                    )
                }
            }
            // Nobody is on call before the first handoff: contacts naming the rotation then
            // reach all its participants, which the authors should know in advance.
            if let start = references.start, start.date > today {
                reader.warning(
                    "the rotation starts on \(start.date): until its first handoff nobody is on call, and contacts naming it reach all of its participants",
                    at: start.path
                )
            }
        }
    }

    /// Reports an unknown contact, with a did-you-mean hint; true when the contact is known.
    private func isKnown(_ id: String, at path: FieldPath) -> Bool {
        guard !contacts.ids.contains(id) else { return true }
        var message = "refers to unknown contact '\(id)'"
        if let suggestion = closestWord(to: id, in: contacts.ids.sorted()) {
            message += " (did you mean '\(suggestion)'?)"
        } else if !contacts.ids.isEmpty {
            message += " (contacts are declared in the runbooks' contacts sections)"
        }
        reader.error(message, at: path)
        return false
    }

    private func rejectDuplicateIDs() {
        var seen: [String: FieldPath] = [:]
        for (id, path) in decoder.declaredIDs {
            if let first = seen[id] {
                let firstRotation = String(first.description.dropLast(".id".count))
                reader.error("duplicate rotation id '\(id)' (also used by \(firstRotation))", at: path)
            } else {
                seen[id] = path
            }
        }
    }
}
