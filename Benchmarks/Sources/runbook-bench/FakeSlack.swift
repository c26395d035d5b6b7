import Foundation
import Hummingbird
import Incidents
import Logging
import ServiceLifecycle
import Synchronization

/// Slack's Web API as the replicas see it, on 127.0.0.1 in the benchmark's own process:
/// `chat.postMessage` and `chat.update` answer ok with a unique `ts`, as Slack does
/// (`{"ok":true,"channel":"C…","ts":"…"}`). It counts every call, and notes for every
/// escalation ping (the text says "escalated to *level N (…)*") its incident, level and
/// arrival instant, so the benchmark can find late, repeated and missing pings.
final class FakeSlack: Sendable {
    struct Ping: Sendable {
        var incidentID: String
        var level: Int
        var arrived: Timestamp
    }

    private struct Post: Decodable {
        var channel: String
        var text: String
        var ts: String?
    }

    private let state = Mutex<(calls: Int, pings: [Ping])>((0, []))
    private let port = Mutex<Int?>(nil)
    private let group = Mutex<ServiceGroup?>(nil)

    /// Every call answered so far (posts and updates).
    var calls: Int { state.withLock { $0.calls } }
    var pings: [Ping] { state.withLock { $0.pings } }

    /// The base URL a replica's Slack client is given (`SLACK_API_URL`).
    var apiURL: String { "http://127.0.0.1:\(port.withLock { $0 } ?? 0)/api/" }

    func start() async throws {
        let router = Router()
        router.post("/api/:method") { request, context -> Response in
            // The instant it arrived, before reading anything else.
            let arrived = SystemClock().now()
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let method = context.parameters.get("method") ?? ""
            guard method == "chat.postMessage" || method == "chat.update",
                  let post = try? JSONDecoder().decode(Post.self, from: Data(body.readableBytesView))
            else {
                return Self.json(#"{"ok":false,"error":"unknown_method"}"#)
            }
            let ping = Self.escalation(in: post.text).map { Ping(incidentID: $0.incident, level: $0.level, arrived: arrived) }
            let count = self.state.withLock { state -> Int in
                state.calls += 1
                if let ping { state.pings.append(ping) }
                return state.calls
            }
            let ts = method == "chat.update" ? post.ts ?? "" : "1700000000.\(String(format: "%06d", count))"
            return Self.json(#"{"ok":true,"channel":"\#(post.channel)","ts":"\#(ts)"}"#)
        }
        var logger = Logger(label: "fake-slack")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "fake-slack"),
            onServerRunning: { channel in self.port.withLock { $0 = channel.localAddress?.port } },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        self.group.withLock { $0 = group }
        Task { try await group.run() }
        for _ in 0..<500 where port.withLock({ $0 }) == nil {
            try await Task.sleep(for: .milliseconds(10))
        }
        guard port.withLock({ $0 }) != nil else { throw BenchError("the fake Slack did not start") }
    }

    func stop() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// The incident and level of an escalation ping, as `IncidentNotice` words it and the
    /// Slack renderer marks it up: "🚨 *INC-12* escalated to *level 2 (Lead)*: …".
    static func escalation(in text: String) -> (incident: String, level: Int)? {
        guard let escalated = text.range(of: "* escalated to *level "),
              let open = text[..<escalated.lowerBound].range(of: "*", options: .backwards)
        else { return nil }
        let incident = String(text[open.upperBound..<escalated.lowerBound])
        guard let level = Int(text[escalated.upperBound...].prefix { $0.isNumber }) else { return nil }
        return (incident, level)
    }

    private static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A benchmark that cannot go on, with the reason.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
