import RunbookModel

/// When an incident next needs the bot, and what is due then. Pure: (incident, now) in,
/// the next deadline or the due effects out.
///
/// Each level is reached at its duration since the incident started. Manual escalation
/// reaches the next level at once; the levels after it keep their own times. After the last
/// level the chain repeats the last level as configured, or stops and says so. Reminders
/// come when an open incident has had no status update for its severity's interval.
public enum EscalationPlanner {
    /// The next time the bot must act on this incident, or nil when it never will by itself.
    public static func nextDeadline(_ incident: Incident) -> Timestamp? {
        [nextEscalation(incident), nextReminder(incident)].compactMap { $0 }.min()
    }

    public static func nextEscalation(_ incident: Incident) -> Timestamp? {
        guard chainRuns(incident) else { return nil }
        let policy = incident.policy
        if incident.levelsReached < policy.levels.count {
            let due = incident.declaredAt.adding(seconds: policy.levels[incident.levelsReached].afterSeconds)
            // After a manual escalation the next level can already be overdue: it fires at once.
            return due
        }
        guard let repeating = policy.repeatAfterLast, !policy.levels.isEmpty else { return nil }
        if let times = repeating.times, incident.repeatsDone >= times { return nil }
        let base = incident.lastLevelReachedAt ?? incident.declaredAt
        return base.adding(seconds: repeating.everySeconds * (incident.repeatsDone + 1))
    }

    /// How many repeats of the last level should have happened by `now`.
    static func repeatsDue(_ incident: Incident, at now: Timestamp) -> Int {
        guard let repeating = incident.policy.repeatAfterLast else { return incident.repeatsDone }
        let base = incident.lastLevelReachedAt ?? incident.declaredAt
        let every = Int64(max(repeating.everySeconds, 1)) * 1000
        let elapsed = Int(max(0, now.milliseconds - base.milliseconds) / every)
        let due = max(incident.repeatsDone + 1, elapsed)
        return repeating.times.map { min(due, $0) } ?? due
    }

    public static func nextReminder(_ incident: Incident) -> Timestamp? {
        guard incident.isOpen, let interval = incident.reminderSeconds, interval > 0 else { return nil }
        let base = [incident.declaredAt, incident.lastStatusUpdateAt, incident.lastReminderAt].compactMap { $0 }.max()!
        return base.adding(seconds: interval)
    }

    static func chainRuns(_ incident: Incident) -> Bool {
        guard incident.isOpen else { return false }
        return !(incident.policy.runsWhile == .unacknowledged && incident.state == .acknowledged)
    }

    static func hasLevelsLeft(_ incident: Incident) -> Bool {
        nextEscalation(incident) != nil
    }

    /// Everything due at `now`, applied: levels reached, repeats, the chain's end, reminders.
    /// Returns nil when nothing was due.
    public static func due(_ incident: Incident, at now: Timestamp) -> Transition? {
        var transition = Transition(incident: incident)
        fireDue(&transition, at: now)
        return transition.effects.isEmpty ? nil : transition
    }

    static func fireDue(_ transition: inout Transition, at now: Timestamp) {
        var levelChanged = false
        while let deadline = nextEscalation(transition.incident), deadline <= now {
            var incident = transition.incident
            let policy = incident.policy
            if incident.levelsReached < policy.levels.count {
                let level = policy.levels[incident.levelsReached]
                incident.levelsReached += 1
                incident.lastLevelReachedAt = now
                let reason: EscalationReason = level.afterSeconds == 0
                    ? .declared
                    : .notHandled(afterSeconds: level.afterSeconds, runsWhile: policy.runsWhile)
                transition.effects.append(.notifyLevel(level: level.level, reason: reason))
                transition.timeline.append(TimelineEntry(
                    at: now, actor: IncidentMachine.bot, kind: .escalated,
                    text: "level \(level.level) (\(level.name)) reached: \(IncidentNotice.describe(reason))"
                ))
            } else {
                // After downtime several repeats can be overdue: one ping says how many were
                // missed, rather than a burst of pings broadcast to the channel at once.
                let due = repeatsDue(incident, at: now)
                let missed = due - incident.repeatsDone - 1
                incident.repeatsDone = due
                let last = policy.levels[policy.levels.count - 1]
                let reason = EscalationReason.repeated(number: incident.repeatsDone, of: policy.repeatAfterLast?.times, missed: missed)
                transition.effects.append(.notifyLevel(level: last.level, reason: reason))
                transition.timeline.append(TimelineEntry(
                    at: now, actor: IncidentMachine.bot, kind: .escalated,
                    text: "level \(last.level) (\(last.name)) again: \(IncidentNotice.describe(reason))"
                ))
            }
            transition.incident = incident
            levelChanged = true
            if nextEscalation(incident) == nil, chainRuns(incident) {
                let reason: ChainStopReason = policy.repeatAfterLast == nil ? .lastLevelReached : .repeatsDone
                transition.effects.append(.chainStopped(reason: reason))
                transition.timeline.append(TimelineEntry(
                    at: now, actor: IncidentMachine.bot, kind: .chainStopped, text: IncidentNotice.describe(reason).description
                ))
            }
        }
        if levelChanged { transition.effects.append(.updateCard) }
        if let reminder = nextReminder(transition.incident), reminder <= now {
            transition.incident.lastReminderAt = now
            transition.effects.append(.reminder)
            transition.timeline.append(TimelineEntry(at: now, actor: IncidentMachine.bot, kind: .reminder, text: "reminded the thread: no status update"))
        }
    }
}
