import Incidents
import Logging

/// Slack user-group membership from `usergroups.users.list`, kept for a few minutes so a
/// burst of commands asks Slack once.
public actor SlackUserGroups: UserGroupDirectory {
    private let api: SlackWebAPI
    private let token: String
    private let clock: any BotClock
    private let logger: Logger
    private let freshFor: Duration
    private var members: [String: (users: Set<String>, fetched: Timestamp)] = [:]

    public init(api: SlackWebAPI, token: String, clock: any BotClock, logger: Logger, freshFor: Duration = .seconds(300)) {
        self.api = api
        self.token = token
        self.clock = clock
        self.logger = logger
        self.freshFor = freshFor
    }

    public func isMember(_ user: String, of group: String) async -> Bool {
        let now = clock.now()
        if let cached = members[group], cached.fetched.duration(until: now) < freshFor {
            return cached.users.contains(user)
        }
        guard let users = await fetch(group) else { return false }
        members[group] = (users, now)
        return users.contains(user)
    }

    /// Nil when Slack could not say; the permission is then refused, never granted.
    private func fetch(_ group: String) async -> Set<String>? {
        switch await api.userGroupMembers(group, token: token) {
        case .ok(let answer):
            return Set(answer.users)
        case .rateLimited:
            logger.warning("could not list user group members", metadata: ["group": "\(group)", "error": "rate limited"])
        case .retryable(let error), .final(let error):
            logger.warning("could not list user group members", metadata: ["group": "\(group)", "error": "\(error)"])
        }
        return nil
    }
}

extension SlackUserGroups: CustomStringConvertible {
    nonisolated public var description: String { "SlackUserGroups" }
}
