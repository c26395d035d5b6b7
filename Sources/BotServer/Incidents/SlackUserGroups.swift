import AsyncHTTPClient
import Foundation
import Incidents
import Logging
import NIOCore

/// Slack user-group membership from `usergroups.users.list` (scope `usergroups:read`),
/// kept for a few minutes so a burst of commands asks Slack once.
actor SlackUserGroups: UserGroupDirectory {
    private let baseURL: String
    private let token: String
    private let client: HTTPClient
    private let logger: Logger
    private let freshFor: Duration
    private var members: [String: (users: Set<String>, fetched: ContinuousClock.Instant)] = [:]

    init(baseURL: String, token: String, client: HTTPClient, logger: Logger, freshFor: Duration = .seconds(300)) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.token = token
        self.client = client
        self.logger = logger
        self.freshFor = freshFor
    }

    func isMember(_ user: String, of group: String) async -> Bool {
        if let cached = members[group], ContinuousClock.now - cached.fetched < freshFor {
            return cached.users.contains(user)
        }
        guard let users = await fetch(group) else { return false }
        members[group] = (users, ContinuousClock.now)
        return users.contains(user)
    }

    /// Nil when Slack could not say; the permission is then refused, never granted.
    private func fetch(_ group: String) async -> Set<String>? {
        let escaped = group.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? group
        var request = HTTPClientRequest(url: baseURL + "usergroups.users.list?usergroup=" + escaped)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        do {
            let response = try await client.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
            guard json?["ok"] as? Bool == true, let users = json?["users"] as? [String] else {
                logger.warning("could not list user group members", metadata: ["group": "\(group)", "error": "\(json?["error"] ?? response.status.code)"])
                return nil
            }
            return Set(users)
        } catch {
            logger.warning("could not list user group members", metadata: ["group": "\(group)", "error": "\(error)"])
            return nil
        }
    }
}

extension SlackUserGroups: CustomStringConvertible {
    nonisolated var description: String { "SlackUserGroups(credentials redacted)" }
}
