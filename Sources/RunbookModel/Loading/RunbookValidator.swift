/// Checks that need the whole document: ids are unique, every reference resolves,
/// escalation levels climb in order, and the runbook is not going stale.
struct RunbookValidator {
    static let reviewMaxAgeDays = 90
    static let contactMaxAgeDays = 31

    let runbook: Runbook
    let decoder: RunbookDecoder
    let today: CalendarDate
    /// What a contact's `rotation:` may name.
    var rotations: RotationNames = .noFile

    private var reader: YAMLReader { decoder.reader }

    /// Where the `index`th kept element of `section` is in the file.
    private func path(_ section: String, _ index: Int) -> FieldPath {
        decoder.elementPaths[section]?[index] ?? FieldPath.root.appending(section).appending(index: index)
    }

    func validate() {
        let contactIDs = uniqueIDs(section: "contacts")
        let failureModeIDs = uniqueIDs(section: "failure_modes")
        let procedureIDs = uniqueIDs(section: "procedures")
        let dependencyIDs = uniqueIDs(section: "dependencies")

        func check(_ id: String?, in known: Set<String>, kind: String, at path: FieldPath) {
            guard let id, !known.contains(id) else { return }
            var message = "refers to unknown \(kind) '\(id)'"
            if let suggestion = closestWord(to: id, in: known.sorted()) {
                message += " (did you mean '\(suggestion)'?)"
            } else if !known.isEmpty {
                message += " (known: \(known.sorted().joined(separator: ", ")))"
            }
            reader.error(message, at: path)
        }
        func checkAll(_ ids: [String], in known: Set<String>, kind: String, at path: FieldPath) {
            for (index, id) in ids.enumerated() {
                check(id, in: known, kind: kind, at: path.appending(index: index))
            }
        }

        let system = FieldPath.root.appending("system")
        check(runbook.system.owner, in: contactIDs, kind: "contact", at: system.appending("owner"))
        check(runbook.system.backup, in: contactIDs, kind: "contact", at: system.appending("backup"))
        check(runbook.overview.onCall?.contact, in: contactIDs, kind: "contact",
              at: FieldPath.root.appending("overview").appending("on_call").appending("contact"))

        for (index, dependency) in runbook.dependencies.enumerated() {
            let path = path("dependencies", index)
            checkAll(dependency.failureModes, in: failureModeIDs, kind: "failure mode", at: path.appending("failure_modes"))
            check(dependency.contact, in: contactIDs, kind: "contact", at: path.appending("contact"))
        }
        for (index, failureMode) in runbook.failureModes.enumerated() {
            let path = path("failure_modes", index)
            check(failureMode.escalateTo, in: contactIDs, kind: "contact", at: path.appending("escalate_to"))
            checkAll(failureMode.procedures, in: procedureIDs, kind: "procedure", at: path.appending("procedures"))
            checkAll(failureMode.dependencies, in: dependencyIDs, kind: "dependency", at: path.appending("dependencies"))
        }
        for (index, procedure) in runbook.procedures.enumerated() {
            let path = path("procedures", index)
            checkAll(procedure.failureModes, in: failureModeIDs, kind: "failure mode", at: path.appending("failure_modes"))
            for (stepIndex, step) in procedure.steps.enumerated() {
                check(step.escalation?.contact, in: contactIDs, kind: "contact",
                      at: path.appending("steps").appending(index: stepIndex).appending("escalate").appending("to"))
            }
        }
        validateEscalation(contactIDs: contactIDs, check: checkAll)
        validateRotations(check: check)
        warnWhenStale()
    }

    private func validateEscalation(
        contactIDs: Set<String>,
        check: (_ ids: [String], _ known: Set<String>, _ kind: String, _ path: FieldPath) -> Void
    ) {
        let escalation = FieldPath.root.appending("escalation")
        // With a level left out for its own errors, numbering and order cannot be judged yet.
        let levelsComplete = !decoder.incompleteSections.contains("levels")
        var previous: EscalationLevel?
        for (index, level) in runbook.escalation.levels.enumerated() {
            let path = decoder.elementPaths["levels"]?[index] ?? escalation.appending("levels").appending(index: index)
            check(level.notify, contactIDs, "contact", path.appending("notify"))
            guard levelsComplete else { continue }
            if level.level != index + 1 {
                reader.error(
                    "levels must be numbered 1, 2, 3… in order; expected \(index + 1), found \(level.level)",
                    at: path.appending("level")
                )
            }
            if let previous, level.after <= previous.after {
                reader.error(
                    "level \(level.level) is reached after \(level.after), which is not later than level \(previous.level) (\(previous.after)); levels must be reached in order",
                    at: path.appending("after")
                )
            }
            previous = level
        }
        if let critical = runbook.escalation.critical {
            let path = escalation.appending("critical")
            if let page = critical.page {
                check([page], contactIDs, "contact", path.appending("page"))
                if let contact = runbook.contact(page), contact.pagerDuty == nil {
                    reader.warning("contact '\(page)' has no pagerduty details to page", at: path.appending("page"))
                }
            }
            check(critical.notify, contactIDs, "contact", path.appending("notify"))
        }
    }

    /// A contact's `rotation:` must name a rotation in `oncall.yaml`; without that file it
    /// cannot be resolved, which is worth a warning but not a refusal to load.
    private func validateRotations(check: (_ id: String?, _ known: Set<String>, _ kind: String, _ path: FieldPath) -> Void) {
        for (index, contact) in runbook.contacts.enumerated() {
            guard let rotation = contact.rotation else { continue }
            let path = path("contacts", index).appending("rotation")
            switch rotations {
            case .noFile:
                reader.warning(
                    "names rotation '\(rotation)', but there is no \(OnCallLoader.fileName) to define it; the contact's other details are used",
                    at: path
                )
            case .unknown: break
            case .declared(let ids): check(rotation, ids, "rotation", path)
            }
        }
    }

    private func warnWhenStale() {
        let system = FieldPath.root.appending("system")
        let reviewedAge = runbook.system.reviewed.days(until: today)
        if reviewedAge > Self.reviewMaxAgeDays {
            reader.warning(
                "procedures last reviewed \(runbook.system.reviewed), \(reviewedAge) days ago; test them quarterly (every \(Self.reviewMaxAgeDays) days) and update 'reviewed'",
                at: system.appending("reviewed")
            )
        }
        for (field, date) in [("updated", runbook.system.updated), ("reviewed", runbook.system.reviewed)] where date > today {
            reader.warning("\(date) is in the future", at: system.appending(field))
        }
        for (index, contact) in runbook.contacts.enumerated() {
            let age = contact.updated.days(until: today)
            if age > Self.contactMaxAgeDays {
                reader.warning(
                    "contact '\(contact.id)' last checked \(contact.updated), \(age) days ago; check contacts monthly and update 'updated'",
                    at: path("contacts", index).appending("updated")
                )
            }
        }
    }

    /// Reports every id that appears more than once, at each repeat; returns the ids declared.
    private func uniqueIDs(section: String) -> Set<String> {
        var seen: [String: FieldPath] = [:]
        for (id, path) in decoder.declaredIDs[section] ?? [] {
            if let first = seen[id] {
                let firstElement = first.description.hasSuffix(".id") ? String(first.description.dropLast(3)) : first.description
                reader.error("duplicate id '\(id)' (also used by \(firstElement))", at: path)
            } else {
                seen[id] = path
            }
        }
        return Set(seen.keys)
    }
}
