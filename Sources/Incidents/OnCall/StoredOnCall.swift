import RunbookModel

/// Asks an outside schedule (PagerDuty) who is on call.
public protocol ExternalOnCallDirectory: Sendable {
    func onCall(schedule: String, at now: Timestamp) async -> ExternalOnCall
}

/// The roster as the bot runs it: the file, the overrides recorded in the store, and
/// PagerDuty for the rotations it keeps.
public struct StoredOnCall: OnCallSource {
    let library: RunbookLibrary
    let store: (any OnCallStore)?
    let external: (any ExternalOnCallDirectory)?

    /// Recorded overrides that ended this long ago still show in calendars.
    static let history: Duration = .seconds(31 * 86_400)

    public init(library: RunbookLibrary, store: (any OnCallStore)?, external: (any ExternalOnCallDirectory)? = nil) {
        self.library = library
        self.store = store
        self.external = external
    }

    public func roster(at now: Timestamp) async -> OnCallRoster {
        var roster = OnCallRoster(library: library)
        if let store {
            do {
                roster.overrides = try await store.overrides(endingAfter: now.adding(.zero - Self.history))
            } catch {
                roster.overridesProblem = "\(error)"
            }
        }
        for rotation in library.rotations {
            guard let schedule = rotation.pagerDutySchedule else { continue }
            roster.external[rotation.id] = await external?.onCall(schedule: schedule, at: now)
                ?? .unavailable(reason: "PAGERDUTY_API_TOKEN is not set")
        }
        return roster
    }
}
