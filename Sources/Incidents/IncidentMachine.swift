import RunbookModel

import Foundation

/// The incident state machine: `triggered → acknowledged → resolved`, every transition
/// recorded with its actor and time, every consequence returned as an effect. Pure: it
/// takes the time as a value and touches nothing.
public enum IncidentMachine {
    /// The actor for what the bot does on its own.
    public static let bot = "runbook-bot"

    public struct Declaration: Sendable {
        public var title: String
        public var severity: IncidentSeverity
        public var channel: String
        public var declaredBy: String
        public var failureModeID: String?
        public var failureModeTitle: String?
        public var immediateActions: [ImmediateAction]
        public var policy: PolicySnapshot
        public var reminderSeconds: Int?
        /// The installation's id, for the page key.
        public var installation: String?
        /// The failure mode's procedures, offered as **Start procedure** buttons.
        public var procedures: [ProcedureLink] = []

        public init(
            title: String, severity: IncidentSeverity, channel: String, declaredBy: String,
            failureModeID: String? = nil, failureModeTitle: String? = nil, immediateActions: [ImmediateAction] = [],
            policy: PolicySnapshot, reminderSeconds: Int? = nil
        ) {
            self.title = title
            self.severity = severity
            self.channel = channel
            self.declaredBy = declaredBy
            self.failureModeID = failureModeID
            self.failureModeTitle = failureModeTitle
            self.immediateActions = immediateActions
            self.policy = policy
            self.reminderSeconds = reminderSeconds
        }
    }

    public static func declare(_ declaration: Declaration, number: Int, at now: Timestamp) -> Transition {
        var incident = Incident(
            number: number, title: declaration.title, severity: declaration.severity, state: .triggered,
            channel: declaration.channel, threadTS: nil, declaredAt: now, declaredBy: declaration.declaredBy,
            acknowledgedAt: nil, acknowledgedBy: nil, resolvedAt: nil, resolvedBy: nil, resolutionNote: nil,
            failureModeID: declaration.failureModeID, failureModeTitle: declaration.failureModeTitle,
            immediateActions: declaration.immediateActions, policy: declaration.policy, levelsReached: 0,
            lastLevelReachedAt: nil, repeatsDone: 0, lastStatusUpdateAt: nil, lastStatusText: nil, lastReminderAt: nil,
            reminderSeconds: declaration.reminderSeconds, paged: false,
            pageKey: declaration.installation.map { "runbook-bot/\($0)/\(Incident.id(number: number))" },
            procedures: declaration.procedures.isEmpty ? nil : declaration.procedures
        )
        var timeline = [TimelineEntry(
            at: now, actor: declaration.declaredBy, kind: .declared,
            text: "declared \(declaration.severity.rawValue): \(declaration.title)"
        )]
        var effects: [Effect] = [.postCard]

        if declaration.severity == .critical {
            // The critical path: page at once, tell the status channels, ping every level.
            incident.levelsReached = incident.policy.levels.count
            incident.lastLevelReachedAt = now
            incident.paged = true
            effects += [.pageTrigger, .notifyCritical(), .statusUpdate(text: "Critical incident \(incident.id): \(incident.title)")]
            timeline.append(TimelineEntry(at: now, actor: bot, kind: .paged, text: "critical: paged PagerDuty and every escalation level"))
            return Transition(incident: incident, timeline: timeline, effects: effects)
        }
        var transition = Transition(incident: incident, timeline: timeline, effects: effects)
        // Level 1 is usually due at 0m: reach it now rather than on the scheduler's next pass.
        EscalationPlanner.fireDue(&transition, at: now)
        transition.effects.removeAll { $0 == .updateCard }
        return transition
    }

    public static func apply(_ event: IncidentEvent, to incident: Incident, at now: Timestamp) throws(IncidentError) -> Transition {
        var incident = incident
        guard incident.state != .resolved else { throw .alreadyResolved(incident.id) }
        switch event {
        case .acknowledge(let actor):
            guard incident.state == .triggered else { throw .alreadyAcknowledged(incident.id) }
            let chainWasRunning = EscalationPlanner.hasLevelsLeft(incident)
            incident.state = .acknowledged
            incident.acknowledgedAt = now
            incident.acknowledgedBy = actor
            var effects: [Effect] = [.updateCard]
            var timeline = [TimelineEntry(at: now, actor: actor, kind: .acknowledged, text: "acknowledged")]
            if incident.policy.runsWhile == .unacknowledged, chainWasRunning {
                effects.append(.chainStopped(reason: .acknowledged(by: actor)))
                timeline.append(TimelineEntry(at: now, actor: bot, kind: .chainStopped, text: "escalation stopped: acknowledged"))
            }
            return Transition(incident: incident, timeline: timeline, effects: effects)

        case .update(let actor, let text):
            let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw .emptyUpdate }
            incident.lastStatusUpdateAt = now
            incident.lastStatusText = text
            return Transition(
                incident: incident,
                timeline: [TimelineEntry(at: now, actor: actor, kind: .update, text: text)],
                effects: [.statusUpdate(text: text), .updateCard]
            )

        case .escalateFrom(let level, let actor):
            guard incident.levelsReached == level else { throw .alreadyEscalated(incident.id, level: incident.levelsReached) }
            return try apply(.escalate(by: actor), to: incident, at: now)

        case .escalate(let actor):
            guard incident.levelsReached < incident.policy.levels.count else { throw .noMoreLevels(incident.id) }
            incident.levelsReached += 1
            incident.lastLevelReachedAt = now
            let level = incident.policy.levels[incident.levelsReached - 1]
            return Transition(
                incident: incident,
                timeline: [TimelineEntry(at: now, actor: actor, kind: .escalated, text: "escalated to level \(level.level) (\(level.name)) by hand")],
                effects: [.notifyLevel(level: level.level, reason: .byHand(by: actor)), .updateCard]
            )

        case .publish(let actor, let text, let name):
            let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw .emptyPublication }
            incident.publication = Publication(
                name: name, impact: Publication.impact(of: incident.severity), text: text, publishedAt: now, publishedBy: actor
            )
            return Transition(
                incident: incident,
                timeline: [TimelineEntry(at: now, actor: actor, kind: .published, text: "published to the status page: \(text)")],
                effects: [.published]
            )

        case .resolve(let actor, let note):
            incident.state = .resolved
            incident.resolvedAt = now
            incident.resolvedBy = actor
            incident.resolutionNote = note?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            var effects: [Effect] = [.resolvedNotice, .updateCard]
            if incident.paged { effects.append(.pageResolve) }
            let text = incident.resolutionNote.map { "resolved: \($0)" } ?? "resolved"
            return Transition(incident: incident, timeline: [TimelineEntry(at: now, actor: actor, kind: .resolved, text: text)], effects: effects)
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
