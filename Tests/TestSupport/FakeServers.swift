import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A local stand-in for Slack's Web API (`/api/<method>`) and PagerDuty's Events API
/// (`/v2/enqueue`): a real HTTP server on loopback that records every request and answers
/// as the real services do, including rate limits, server errors and `ok:false`.
public final class FakeSlackAndPagerDuty: Sendable {
    public struct Call: Sendable {
        public var path: String
        public var json: [String: String]
        public var raw: String
        public var at: Date
    }

    public enum Scripted: Sendable {
        case rateLimited(retryAfter: Int)
        case serverError
        case slackError(String)
        /// Takes the call and never answers it (until the fake stops): a sender that dies
        /// now has handed Slack a message without learning whether it was posted.
        case noAnswer
    }

    private let unanswered = Mutex<[CheckedContinuation<Void, Never>]>([])

    private let calls = Mutex<[Call]>([])
    private let script = Mutex<[Scripted]>([])
    private let counter = Mutex<Int>(0)
    private let boundPort = Mutex<Int?>(nil)
    private let groups = Mutex<[String: [String]]>([:])
    private let links = Mutex<[FakeSocketLink]>([])
    private let silentLinks = Mutex<Set<Int>>([])

    /// Socket Mode connections made so far, oldest first.
    public var socketLinks: [FakeSocketLink] { links.withLock { $0 } }

    private let rateLimitedOpens = Mutex<Int>(0)

    /// Answers the next `count` calls of `apps.connections.open` with `ratelimited` and `Retry-After: 1`.
    public func rateLimitConnections(_ count: Int) {
        rateLimitedOpens.withLock { $0 = count }
    }

    /// Makes the `number`th Socket Mode connection (1-based) go silent after its hello.
    public func silence(link number: Int) {
        silentLinks.withLock { _ = $0.insert(number) }
    }

    /// Members `usergroups.users.list` reports for a group.
    public func setMembers(_ users: [String], of group: String) {
        groups.withLock { $0[group] = users }
    }
    private let group = Mutex<ServiceGroup?>(nil)
    private let onCalls = Mutex<[String]?>(nil)

    /// The body PagerDuty's REST API answers `GET /oncalls` with; nil (the default) answers
    /// 503, as PagerDuty does when it is down.
    public func setOnCalls(_ json: String?) {
        onCalls.withLock { $0 = json.map { [$0] } }
    }

    /// The pages of PagerDuty's answer, served by the request's `offset` and `limit`.
    public func setOnCallPages(_ pages: [String]) {
        onCalls.withLock { $0 = pages }
    }

    /// PagerDuty's `GET /oncalls` answer naming one person on call until `end`.
    public static func onCallsBody(schedule: String, name: String, email: String, end: String) -> String {
        #"{"oncalls":[{"escalation_level":1,"schedule":{"id":"\#(schedule)","type":"schedule_reference"},"user":{"id":"PUSER1","type":"user","summary":"\#(name)","name":"\#(name)","email":"\#(email)"},"start":"2026-05-28T00:00:00Z","end":"\#(end)"}],"limit":25,"offset":0,"more":false}"#
    }

    public var pagerDutyOnCallRequests: [Call] { all.filter { $0.path == "/oncalls" } }

    private let onCallsHeld = Mutex(false)

    /// `GET /oncalls` is taken but not answered until `releaseOnCalls()`: PagerDuty is slow.
    public func holdOnCalls() { onCallsHeld.withLock { $0 = true } }

    public func releaseOnCalls() {
        onCallsHeld.withLock { $0 = false }
        for waiting in unanswered.withLock({ list in defer { list = [] }; return list }) { waiting.resume() }
    }

    public init() {}

    public var slackURL: String { "http://127.0.0.1:\(boundPort.withLock { $0 } ?? 0)/api/" }
    /// A `response_url` as Slack would hand out with a slash command or a click.
    public var responseURL: String { "http://127.0.0.1:\(boundPort.withLock { $0 } ?? 0)/response/hook" }
    public var responses: [Call] { all.filter { $0.path == "/response" } }

    public var pagerDutyURL: String { "http://127.0.0.1:\(boundPort.withLock { $0 } ?? 0)" }

    /// Answers the next Slack calls with these, in order, before answering normally again.
    public func enqueue(_ responses: [Scripted]) {
        script.withLock { $0 += responses }
    }

    public var all: [Call] { calls.withLock { $0 } }
    public var slackPosts: [Call] { all.filter { $0.path.hasSuffix("chat.postMessage") && $0.json["fake_outcome"] == "ok" } }
    public var pagerDutyEvents: [Call] { all.filter { $0.path == "/v2/enqueue" } }

    public func start() async throws {
        let router = Router()
        router.post("/api/:method") { request, context -> Response in
            let method = context.parameters.get("method") ?? ""
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var json = Self.flatten(String(buffer: body))
            let scripted = self.script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            let response: Response
            switch scripted {
            case .rateLimited(let retryAfter):
                json["fake_outcome"] = "429"
                response = Self.json(#"{"ok":false,"error":"ratelimited"}"#, status: .tooManyRequests, headers: [.retryAfter: "\(retryAfter)"])
            case .serverError:
                json["fake_outcome"] = "500"
                response = Self.json(#"{"ok":false,"error":"internal_error"}"#, status: .internalServerError)
            case .slackError(let error):
                json["fake_outcome"] = error
                response = Self.json(#"{"ok":false,"error":"\#(error)"}"#)
            case .noAnswer:
                json["fake_outcome"] = "no answer"
                self.calls.withLock { $0.append(Call(path: "/api/\(method)", json: json, raw: String(buffer: body), at: Date())) }
                await withCheckedContinuation { continuation in self.unanswered.withLock { $0.append(continuation) } }
                return Self.json(#"{"ok":false,"error":"fatal_error"}"#, status: .internalServerError)
            case nil:
                json["fake_outcome"] = "ok"
                let ts = self.counter.withLock { count -> String in
                    count += 1
                    return "1700000000.\(String(format: "%06d", count))"
                }
                json["fake_ts"] = ts
                response = Self.json(#"{"ok":true,"channel":"\#(json["channel"] ?? "")","ts":"\#(method == "chat.update" ? json["ts"] ?? ts : ts)"}"#)
            }
            self.calls.withLock { $0.append(Call(path: "/api/\(method)", json: json, raw: String(buffer: body), at: Date())) }
            return response
        }
        router.get("/api/usergroups.users.list") { request, _ -> Response in
            let group = request.uri.queryParameters.get("usergroup") ?? ""
            self.calls.withLock { $0.append(Call(path: "/api/usergroups.users.list", json: ["usergroup": group], raw: "", at: Date())) }
            guard let users = self.groups.withLock({ $0[group] }) else {
                return Self.json(#"{"ok":false,"error":"no_such_subteam"}"#)
            }
            let list = users.map { "\"\($0)\"" }.joined(separator: ",")
            return Self.json(#"{"ok":true,"users":[\#(list)]}"#)
        }
        router.post("/api/apps.connections.open") { request, _ -> Response in
            self.calls.withLock { $0.append(Call(path: "/api/apps.connections.open", json: [:], raw: request.headers[.authorization] ?? "", at: Date())) }
            let limited = self.rateLimitedOpens.withLock { count -> Bool in
                guard count > 0 else { return false }
                count -= 1
                return true
            }
            if limited {
                return Self.json(#"{"ok":false,"error":"ratelimited"}"#, status: .tooManyRequests, headers: [.retryAfter: "1"])
            }
            let port = self.boundPort.withLock { $0 } ?? 0
            return Self.json(#"{"ok":true,"url":"ws://127.0.0.1:\#(port)/link"}"#)
        }
        router.post("/response/hook") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            self.calls.withLock { $0.append(Call(path: "/response", json: Self.flatten(String(buffer: body)), raw: String(buffer: body), at: Date())) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok")))
        }
        router.get("/oncalls") { request, _ -> Response in
            let query = request.uri.query ?? ""
            self.calls.withLock {
                $0.append(Call(path: "/oncalls", json: ["query": query, "authorization": request.headers[.authorization] ?? ""], raw: "", at: Date()))
            }
            if self.onCallsHeld.withLock({ $0 }) {
                await withCheckedContinuation { continuation in self.unanswered.withLock { $0.append(continuation) } }
            }
            guard let pages = self.onCalls.withLock({ $0 }) else {
                return Self.json(#"{"error":{"message":"Service unavailable","code":2000}}"#, status: .serviceUnavailable)
            }
            let limit = max(1, request.uri.queryParameters.get("limit", as: Int.self) ?? 25)
            let page = (request.uri.queryParameters.get("offset", as: Int.self) ?? 0) / limit
            return Self.json(pages.indices.contains(page) ? pages[page] : #"{"oncalls":[],"more":false}"#)
        }
        router.post("/v2/enqueue") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let json = Self.flatten(String(buffer: body))
            self.calls.withLock { $0.append(Call(path: "/v2/enqueue", json: json, raw: String(buffer: body), at: Date())) }
            return Self.json(#"{"status":"success","message":"Event processed","dedup_key":"\#(json["dedup_key"] ?? "")"}"#, status: .accepted)
        }
        var logger = Logger(label: "fake-slack")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: .init(ws: .init(maxFrameSize: 1 << 20))) { request, _, _ in
                guard request.path == "/link" else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in
                    let link = self.links.withLock { links in
                        let number = links.count + 1
                        let link = FakeSocketLink(number: number, silent: self.silentLinks.withLock { $0.contains(number) })
                        links.append(link)
                        return link
                    }
                    try await outbound.write(.text(#"{"type":"hello","num_connections":1,"debug_info":{"host":"fake"},"connection_info":{"app_id":"A0FAKE"}}"#))
                    if link.silent {
                        // Never read again: the bot's pings go unanswered.
                        try? await Task.sleep(for: .seconds(120))
                        link.markClosed()
                        return
                    }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await frame in link.outgoing { try await outbound.write(.text(frame)) }
                        }
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { link.record(text) }
                        }
                        link.markClosed()
                        group.cancelAll()
                    }
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in self.boundPort.withLock { $0 = channel.localAddress?.port } },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        self.group.withLock { $0 = group }
        Task { try await group.run() }
        for _ in 0..<500 where boundPort.withLock({ $0 }) == nil {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    public func stop() async {
        for waiting in unanswered.withLock({ list in defer { list = [] }; return list }) { waiting.resume() }
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// Top-level string, number and boolean fields of a JSON object, as strings.
    private static func flatten(_ text: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let string as String: result[key] = string
            case let number as NSNumber: result[key] = number.stringValue
            default: result[key] = String(describing: value)
            }
        }
        return result
    }

    private static func json(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Polls until `condition` holds or `timeout` passes; returns whether it held.
public func eventually(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return await condition()
}
