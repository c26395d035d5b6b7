import Yams

/// Turns one YAML document into a `Runbook`, reporting every shape problem it meets.
/// Cross-references (contact ids, failure-mode ids, …) are checked afterwards by
/// `RunbookValidator`, which needs the whole document.
///
/// An element with a shape error is left out of the result, but its id is still declared,
/// so the validator neither reports references to it as unknown nor misplaces the paths
/// of the elements after it.
final class RunbookDecoder {
    let reader: YAMLReader
    /// Every id declared per section (`contacts`, …), with where it was declared, even
    /// for elements that were left out.
    private(set) var declaredIDs: [String: [(id: String, path: FieldPath)]] = [:]
    /// The path of each element kept in the result, per section, in order.
    private(set) var elementPaths: [String: [FieldPath]] = [:]
    /// Sections where at least one element was left out for its errors.
    private(set) var incompleteSections: Set<String> = []

    init(reader: YAMLReader) {
        self.reader = reader
    }

    /// The runbook, or nil when a whole section is unusable. Field-level errors are in the
    /// reader's diagnostics; callers must not serve a runbook while there are any.
    func decode(_ root: Node) -> Runbook? {
        guard let top = reader.mapping(root, at: .root, allowedKeys: [
            "system", "overview", "dependencies", "failure_modes", "procedures", "escalation", "contacts",
        ]) else { return nil }

        let system = top.mapping("system", allowedKeys: [
            "id", "title", "aliases", "version", "updated", "reviewed", "owner", "backup",
        ]).flatMap(systemInfo)
        let overview = top.mapping("overview", allowedKeys: ["purpose", "components", "on_call", "notes"])
            .flatMap(overview)
        let dependencies = elements(top, "dependencies", required: false, dependency)
        let failureModes = elements(top, "failure_modes", required: true, failureMode)
        let procedures = elements(top, "procedures", required: false, procedure)
        let escalation = top.mapping("escalation", allowedKeys: ["runs_while", "levels", "repeat", "critical"])
            .flatMap(escalationPolicy)
        let contacts = elements(top, "contacts", required: true, contact)

        guard let system, let overview, let escalation else { return nil }
        return Runbook(
            system: system, overview: overview, dependencies: dependencies, failureModes: failureModes,
            procedures: procedures, escalation: escalation, contacts: contacts, sourceFile: reader.file
        )
    }

    // MARK: Sections

    private func systemInfo(_ map: MappingReader) -> SystemInfo? {
        let id = map.identifier("id")
        let title = map.string("title")
        let aliases = map.strings("aliases")
        let version = map.string("version", required: false)
        let updated = map.date("updated")
        let reviewed = map.date("reviewed")
        let owner = map.string("owner")
        let backup = map.string("backup", required: false)
        guard let id, let title, let updated, let reviewed, let owner else { return nil }
        return SystemInfo(
            id: id, title: title, aliases: aliases, version: version, updated: updated,
            reviewed: reviewed, owner: owner, backup: backup
        )
    }

    private func overview(_ map: MappingReader) -> Overview? {
        let purpose = map.string("purpose")
        let components = map.sequence("components", required: true).compactMap { item -> Component? in
            guard let component = reader.mapping(item.node, at: item.path, allowedKeys: ["kind", "name", "note"]) else {
                return nil
            }
            let kind = component.string("kind")
            let name = component.string("name")
            let note = component.string("note", required: false)
            guard let kind, let name else { return nil }
            return Component(kind: kind, name: name, note: note)
        }
        let onCall = map.mapping("on_call", required: false, allowedKeys: ["note", "contact"]).flatMap { onCall in
            onCall.string("note").map { OnCall(note: $0, contact: onCall.string("contact", required: false)) }
        }
        let notes = map.strings("notes")
        guard let purpose else { return nil }
        return Overview(purpose: purpose, components: components, onCall: onCall, notes: notes)
    }

    private func dependency(_ node: Node, _ path: FieldPath) -> Dependency? {
        guard let map = reader.mapping(node, at: path, allowedKeys: [
            "id", "name", "aliases", "used_for", "how_it_fails", "impact", "detection",
            "fallback", "mitigation", "prevention", "failure_modes", "contact",
        ]) else { return nil }
        let id = map.identifier("id")
        let name = map.string("name")
        let aliases = map.strings("aliases")
        let usedFor = map.string("used_for")
        let howItFails = map.strings("how_it_fails", required: true)
        let impact = map.string("impact")
        let detection = map.strings("detection")
        let fallback = map.string("fallback", required: false)
        let mitigation = map.string("mitigation", required: false)
        let prevention = map.string("prevention", required: false)
        if fallback == nil, mitigation == nil, prevention == nil, map.values["id"] != nil {
            reader.error(
                "say what to do about it: give at least one of fallback, mitigation or prevention",
                at: path, mark: map.mark
            )
        }
        let failureModes = map.strings("failure_modes")
        let contact = map.string("contact", required: false)
        guard let id, let name, let usedFor, let impact else { return nil }
        return Dependency(
            id: id, name: name, aliases: aliases, usedFor: usedFor, howItFails: howItFails, impact: impact,
            detection: detection, fallback: fallback, mitigation: mitigation, prevention: prevention,
            failureModes: failureModes, contact: contact
        )
    }

    private func failureMode(_ node: Node, _ path: FieldPath) -> FailureMode? {
        guard let map = reader.mapping(node, at: path, allowedKeys: [
            "id", "title", "aliases", "severity", "severity_reason", "detection", "causes",
            "customer_impact", "immediate_actions", "escalate_to", "procedures", "dependencies",
        ]) else { return nil }
        let id = map.identifier("id")
        let title = map.string("title")
        let aliases = map.strings("aliases")
        let severity = map.choice("severity", as: Severity.self)
        let severityReason = map.string("severity_reason", required: false)
        let detection = map.mapping("detection", allowedKeys: ["alarms", "notifications", "logs"]).map { signals in
            DetectionSignals(
                alarms: signals.strings("alarms"),
                notifications: signals.strings("notifications"),
                logs: signals.strings("logs")
            )
        }
        if let detection, detection.isEmpty {
            reader.error("say how this failure is noticed: list alarms, notifications or logs", at: path.appending("detection"))
        }
        let causes = map.strings("causes", required: true)
        let customerImpact = map.string("customer_impact")
        let actions = map.sequence("immediate_actions", required: true).compactMap { action($0.node, $0.path) }
        let escalateTo = map.string("escalate_to", required: false)
        let procedures = map.strings("procedures")
        let dependencies = map.strings("dependencies")
        guard let id, let title, let severity, let detection, let customerImpact else { return nil }
        return FailureMode(
            id: id, title: title, aliases: aliases, severity: severity, severityReason: severityReason,
            detection: detection, causes: causes, customerImpact: customerImpact, immediateActions: actions,
            escalateTo: escalateTo, procedures: procedures, dependencies: dependencies
        )
    }

    /// An action is either plain text or a mapping with `do` and optional details.
    private func action(_ node: Node, _ path: FieldPath) -> Action? {
        if case .scalar = node { return reader.string(node, at: path).map { Action(text: $0) } }
        guard let map = reader.mapping(node, at: path, allowedKeys: ["do", "when", "command", "link", "steps", "note"]) else {
            return nil
        }
        let text = map.string("do")
        let when = map.string("when", required: false)
        let command = map.string("command", required: false)
        let link = map.string("link", required: false)
        let steps = map.strings("steps")
        let note = map.string("note", required: false)
        guard let text else { return nil }
        return Action(text: text, when: when, command: command, link: link, steps: steps, note: note)
    }

    private func procedure(_ node: Node, _ path: FieldPath) -> Procedure? {
        guard let map = reader.mapping(node, at: path, allowedKeys: [
            "id", "title", "aliases", "assumptions", "steps", "failure_modes",
        ]) else { return nil }
        let id = map.identifier("id")
        let title = map.string("title")
        let aliases = map.strings("aliases")
        let assumptions = map.strings("assumptions")
        let steps = map.sequence("steps", required: true).compactMap { procedureStep($0.node, $0.path) }
        let failureModes = map.strings("failure_modes")
        guard let id, let title else { return nil }
        return Procedure(
            id: id, title: title, aliases: aliases, assumptions: assumptions, steps: steps, failureModes: failureModes
        )
    }

    private func procedureStep(_ node: Node, _ path: FieldPath) -> ProcedureStep? {
        guard let map = reader.mapping(node, at: path, allowedKeys: [
            "title", "details", "command", "decisions", "watch", "watch_for", "expect", "escalate", "notes",
        ]) else { return nil }
        let title = map.string("title")
        let details = map.string("details", required: false)
        let command = map.string("command", required: false)
        let decisions = map.strings("decisions")
        let watch = map.strings("watch")
        let watchFor = map.duration("watch_for", required: false)
        let expect = map.string("expect", required: false)
        let escalation = map.mapping("escalate", required: false, allowedKeys: ["when", "to"]).flatMap { escalate in
            let condition = escalate.string("when")
            let contact = escalate.string("to")
            return condition.flatMap { condition in contact.map { StepEscalation(condition: condition, contact: $0) } }
        }
        let notes = map.strings("notes")
        guard let title else { return nil }
        return ProcedureStep(
            title: title, details: details, command: command, decisions: decisions, watch: watch,
            watchFor: watchFor, expect: expect, escalation: escalation, notes: notes, sourceLine: map.mark?.line
        )
    }

    private func escalationPolicy(_ map: MappingReader) -> EscalationPolicy? {
        let runsWhile = map.choice("runs_while", as: EscalationCondition.self)
        let levels = elements(map, "levels", required: true, escalationLevel)
        let repeatAfterLast = map.mapping("repeat", required: false, allowedKeys: ["every", "times"]).flatMap { repeating in
            let every = repeating.duration("every")
            let times = repeating.integer("times", required: false)
            if let times, times < 1 {
                reader.error("must be 1 or more (leave it out to repeat until the incident closes)", at: repeating.path.appending("times"))
            }
            if let every, every.seconds == 0 {
                reader.error("must be longer than 0s", at: repeating.path.appending("every"))
            }
            return every.map { EscalationRepeat(every: $0, times: times) }
        }
        let critical = map.mapping("critical", required: false, allowedKeys: ["triggers", "actions", "page", "notify"])
            .map { critical in
                CriticalPath(
                    triggers: critical.strings("triggers", required: true),
                    actions: critical.strings("actions", required: true),
                    page: critical.string("page", required: false),
                    notify: critical.strings("notify")
                )
            }
        guard let runsWhile else { return nil }
        return EscalationPolicy(runsWhile: runsWhile, levels: levels, repeatAfterLast: repeatAfterLast, critical: critical)
    }

    private func escalationLevel(_ node: Node, _ path: FieldPath) -> EscalationLevel? {
        guard let map = reader.mapping(node, at: path, allowedKeys: [
            "level", "name", "notify", "may", "after", "expected_resolution", "expected_response",
        ]) else { return nil }
        let level = map.integer("level")
        let name = map.string("name")
        let notify = map.strings("notify", required: true)
        let may = map.strings("may")
        let after = map.duration("after")
        let expectedResolution = map.duration("expected_resolution", required: false)
        let expectedResponse = map.duration("expected_response", required: false)
        guard let level, let name, let after else { return nil }
        return EscalationLevel(
            level: level, name: name, notify: notify, may: may, after: after,
            expectedResolution: expectedResolution, expectedResponse: expectedResponse
        )
    }

    private func contact(_ node: Node, _ path: FieldPath) -> Contact? {
        guard let map = reader.mapping(node, at: path, allowedKeys: [
            "id", "name", "role", "email", "slack", "pagerduty", "external", "rotation", "notes", "updated",
        ]) else { return nil }
        let id = map.identifier("id")
        let name = map.string("name")
        let role = map.string("role", required: false)
        let email = map.string("email", required: false)
        if let email, !Self.looksLikeEmail(email) {
            reader.error("'\(email)' is not an email address", at: path.appending("email"))
        }
        let slack = map.string("slack", required: false).flatMap { text -> ChatAddress? in
            guard let address = ChatAddress(parsing: text) else {
                reader.error(
                    "'\(text)' is not a Slack address: use a user id (U…), user-group id (S…), channel id (C…), #channel or @handle",
                    at: path.appending("slack")
                )
                return nil
            }
            return address
        }
        let pagerDuty = map.mapping("pagerduty", required: false, allowedKeys: ["url", "service", "escalation_policy"])
            .map { pd in
                PagerDutyTarget(
                    url: pd.string("url", required: false),
                    service: pd.string("service", required: false),
                    escalationPolicy: pd.string("escalation_policy", required: false)
                )
            }
        let external = map.string("external", required: false)
        // Whoever is on call in that rotation (oncall.yaml) is reached, besides any fixed details.
        let rotation = map.string("rotation", required: false)
        let notes = map.strings("notes")
        let updated = map.date("updated")
        if map.values["id"] != nil, email == nil, map.values["slack"] == nil, pagerDuty == nil, external == nil,
           map.values["rotation"] == nil {
            reader.error("say how to reach this contact: give email, slack, pagerduty, external or rotation", at: path, mark: map.mark)
        }
        guard let id, let name, let updated else { return nil }
        return Contact(
            id: id, name: name, role: role, email: email, slack: slack, pagerDuty: pagerDuty,
            external: external, rotation: rotation, notes: notes, updated: updated
        )
    }

    // MARK: Helpers

    /// Decodes each element of a list section, remembering ids and paths for the validator.
    private func elements<Element>(
        _ map: MappingReader, _ section: String, required: Bool,
        _ decode: (Node, FieldPath) -> Element?
    ) -> [Element] {
        var result: [Element] = []
        for item in map.sequence(section, required: required) {
            if case .mapping(let mapping) = item.node,
               let idNode = mapping.first(where: { $0.key.scalar?.string == "id" })?.value,
               let id = idNode.scalar?.string.trimmingWhitespace(), !id.isEmpty {
                declaredIDs[section, default: []].append((id, item.path.appending("id")))
            }
            if let element = decode(item.node, item.path) {
                result.append(element)
                elementPaths[section, default: []].append(item.path)
            } else {
                incompleteSections.insert(section)
            }
        }
        return result
    }

    private static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }
}
