import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Slack's Web API over HTTPS: the methods the bot calls, each answer classified as
/// `WebAPIResult`. The token is sent as a bearer header and never logged or described.
public struct SlackWebAPI: Sendable {
    /// Slack's public API address; the one place it is written.
    public static let defaultBaseURL = "https://slack.com/api/"

    let baseURL: String
    let client: HTTPClient
    let timeout: TimeAmount

    public init(baseURL: String = SlackWebAPI.defaultBaseURL, client: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.client = client
        self.timeout = timeout
    }

    /// `chat.postMessage` or `chat.update`.
    public func send(_ post: SlackPost, token: String) async -> WebAPIResult<PostedMessage> {
        guard let body = try? JSONEncoder().encode(post) else { return .final("could not encode the message") }
        return await call(post.method.rawValue, token: token, contentType: "application/json; charset=utf-8", body: body, as: PostedMessage.self)
    }

    /// `usergroups.users.list` (scope `usergroups:read`).
    public func userGroupMembers(_ group: String, token: String) async -> WebAPIResult<UserGroupMembers> {
        let escaped = group.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? group
        return await call("usergroups.users.list?usergroup=" + escaped, method: .GET, token: token, as: UserGroupMembers.self)
    }

    /// `usergroups.users.update` (scope `usergroups:write`): the group's members become `users`.
    public func setUserGroupMembers(_ group: String, users: [String], token: String) async -> WebAPIResult<Updated> {
        struct Update: Encodable { var usergroup: String, users: String }
        guard let body = try? JSONEncoder().encode(Update(usergroup: group, users: users.joined(separator: ","))) else {
            return .final("could not encode the update")
        }
        return await call("usergroups.users.update", token: token, contentType: "application/json; charset=utf-8", body: body, as: Updated.self)
    }

    /// An answer with nothing but `ok` to read.
    public struct Updated: Decodable, Sendable {}

    /// `apps.connections.open` with an app-level token: a fresh Socket Mode websocket URL.
    public func openConnection(appToken: String) async -> WebAPIResult<SocketModeURL> {
        await call("apps.connections.open", token: appToken, contentType: "application/x-www-form-urlencoded", body: Data(), as: SocketModeURL.self)
    }

    /// Posts a reply to an interaction's `response_url`: how a button's answer reaches the
    /// person who clicked (ephemeral) or the channel (`in_channel`). Nil when it was taken,
    /// else why not.
    public func respond(_ message: SlackMessage, to responseURL: String) async -> String? {
        guard let body = try? JSONEncoder().encode(message) else { return "could not encode the reply" }
        var request = HTTPClientRequest(url: responseURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: timeout)
            _ = try await response.body.collect(upTo: 1 << 16)
            return response.status.code < 300 ? nil : "response_url answered \(response.status.code)"
        } catch {
            return "could not post to response_url: \(error)"
        }
    }

    /// The largest answer read. The bot's calls answer with a posted message (its own, at
    /// most 50 blocks), a Socket Mode URL or a user group's member ids (18,000 of them fit);
    /// decoding costs time in proportion to size, so a larger answer is not read.
    public static let maximumAnswerSize = 256 * 1024

    private func call<Body: Decodable & Sendable>(
        _ path: String, method: HTTPMethod = .POST, token: String, contentType: String? = nil, body: Data? = nil, as type: Body.Type
    ) async -> WebAPIResult<Body> {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let answer = try await response.body.collect(upTo: Self.maximumAnswerSize)
            return WebAPIClassifier.classify(
                type, status: response.status.code, retryAfter: response.headers.first(name: "Retry-After"), body: Data(answer.readableBytesView)
            )
        } catch is NIOTooManyBytesError {
            return .retryable("Slack's answer to \(path) was over \(Self.maximumAnswerSize / 1024) KiB and was not read")
        } catch {
            return .retryable("Slack unreachable: \(error)")
        }
    }

    /// The answer to a posted or updated message.
    public struct PostedMessage: Decodable, Sendable {
        public var ts: String?
    }

    public struct UserGroupMembers: Decodable, Sendable {
        public var users: [String]
    }

    public struct SocketModeURL: Decodable, Sendable {
        public var url: String
    }
}

extension SlackWebAPI: CustomStringConvertible {
    public var description: String { "SlackWebAPI(\(baseURL))" }
}
