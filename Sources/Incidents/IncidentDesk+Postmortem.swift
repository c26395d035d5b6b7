import RunbookModel

/// `/incident postmortem`: the record's summary, posted in the incident's thread through the
/// outbox; the whole document is `runbook-bot postmortem INC-n`.
extension IncidentDesk {
    func postPostmortem(_ id: String?, actor: String, channel: String) async throws -> Reply {
        let incident = try await accessibleIncident(id, actor: actor, channel: channel)
        try await requirePermission(.update, actor)
        let postmortem = try await postmortem(of: incident)
        let text = postmortem.threadSummary(times: times, now: clock.now())
        let effect = Effect.postmortemSummary(text: text)
        let routing = DeliveryRouting(statusChannels: settings.statusChannels, pagerDutyEnabled: pagerDutyEnabled)
        let result = try await store.update(incident.id) { current in
            Change(transition: Transition(incident: current, effects: [effect]), deliveries: routing.deliveries(for: [effect]))
        }
        if case .damaged(let reason) = result { throw DamagedRecordError(id: incident.id, reason: reason) }
        await changed()
        return Reply(card: Card(title: "\(incident.id): postmortem summary posted in the thread", sections: [
            Card.Section(nil, [.hint("The whole document, as Markdown", command: "runbook-bot postmortem \(incident.id)")]),
        ]), incidentID: incident.id)
    }

    /// The incident's record, with its runs, as a postmortem.
    public func postmortem(of incident: Incident) async throws -> Postmortem {
        try await Postmortem.record(of: incident, store: store, runs: runs, library: library)
    }
}
