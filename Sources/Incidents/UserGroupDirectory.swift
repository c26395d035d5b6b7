/// Who is in a chat user group, for permissions that name groups (`S…`).
public protocol UserGroupDirectory: Sendable {
    func isMember(_ user: String, of group: String) async -> Bool
}

/// Without a way to ask the chat (local mode), nobody is known to be in any group.
public struct NoUserGroups: UserGroupDirectory {
    public init() {}
    public func isMember(_ user: String, of group: String) async -> Bool { false }
}
