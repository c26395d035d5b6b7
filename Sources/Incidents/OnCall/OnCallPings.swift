import RunbookModel

/// Where the roster comes from: the file, the overrides recorded from chat, PagerDuty.
public protocol OnCallSource: Sendable {
    /// Everything needed to answer who is on call around `now`. Never fails: what could not
    /// be read is said in the answers instead.
    func roster(at now: Timestamp) async -> OnCallRoster
}

/// The rotations of `oncall.yaml` alone: no recorded overrides, PagerDuty not asked.
public struct FileOnCall: OnCallSource {
    let library: RunbookLibrary

    public init(library: RunbookLibrary) {
        self.library = library
    }

    public func roster(at now: Timestamp) async -> OnCallRoster {
        OnCallRoster(library: library)
    }
}

/// Decides, when a ping is made, whom each rotation it names reaches. Pure: it fills the
/// ping's effect with the answers and records them in the timeline, so what the message
/// says and what the record says are the same decision, made once.
public enum OnCallPings {
    /// Whether anyone the policy may ping stands for a rotation: only then is a roster needed.
    public static func namesRotation(_ policy: PolicySnapshot) -> Bool {
        let critical = (policy.critical?.targets ?? []) + [policy.critical?.page].compactMap { $0 }
        return (policy.levels.flatMap(\.targets) + critical).contains { $0.rotation != nil }
    }

    public static func resolve(_ transition: Transition, roster: OnCallRoster, at now: Timestamp) -> Transition {
        var transition = transition
        for (index, effect) in transition.effects.enumerated() {
            let answers = answers(for: rotationTargets(of: effect, in: transition.incident), roster: roster, at: now)
            guard !answers.isEmpty else { continue }
            let kind: TimelineEntry.Kind
            let prefix: String
            switch effect {
            case .notifyLevel(let level, let reason, _):
                transition.effects[index] = .notifyLevel(level: level, reason: reason, onCall: answers)
                let name = transition.incident.policy.levels.first { $0.level == level }.map { " (\($0.name))" } ?? ""
                kind = .escalated
                prefix = "level \(level)\(name)"
            case .notifyCritical:
                transition.effects[index] = .notifyCritical(onCall: answers)
                kind = .paged
                prefix = "critical"
            default:
                continue
            }
            transition.timeline += answers.map {
                TimelineEntry(at: now, actor: IncidentMachine.bot, kind: kind, text: "\(prefix): \($0.summary)")
            }
        }
        return transition
    }

    /// The targets of a ping that name a rotation, in the order the ping lists them.
    static func rotationTargets(of effect: Effect, in incident: Incident) -> [NotifyTarget] {
        let targets: [NotifyTarget]
        switch effect {
        case .notifyLevel(let level, _, nil):
            targets = incident.policy.levels.first { $0.level == level }?.targets ?? []
        case .notifyCritical(nil):
            targets = IncidentNotice.criticalTargets(incident)
        default:
            return []
        }
        return targets.filter { $0.rotation != nil }
    }

    /// One answer per rotation named; a rotation no longer in the file reaches nobody more
    /// (its contact is still reached by its own details).
    public static func answers(for targets: [NotifyTarget], roster: OnCallRoster, at now: Timestamp) -> [OnCallAnswer] {
        var seen: Set<String> = []
        return targets.compactMap { target in
            guard let id = target.rotation, seen.insert(id).inserted, let rotation = roster.library.rotation(id) else { return nil }
            return roster.answer(rotation, at: now)
        }
    }
}
