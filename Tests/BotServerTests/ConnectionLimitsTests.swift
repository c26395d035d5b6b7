@testable import BotServer
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import TestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A client cannot hold the bot's connections open with partial or trickled requests. The
/// idle timeout is the HTTP server's own (real time), so that one test waits in real time.
@Suite(.serialized)
struct ConnectionLimitsTests {
    /// A raw TCP connection to the bot, for sending what no well-behaved client sends.
    final class RawConnection {
        let descriptor: Int32

        init(port: Int) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            // Reads give up after 20 s, so a bot that never closes fails the test instead of hanging it.
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(descriptor) }

        func send(_ text: String) {
            _ = text.withCString { Glibc.send(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        }

        /// Everything the bot sends until it closes the connection; nil if it never does.
        func readUntilClosed() -> String? {
            var received = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count == 0 { return String(decoding: received, as: UTF8.self) }
                // A reset is the bot closing with bytes of ours still unread: closed too.
                if count < 0 { return errno == ECONNRESET ? String(decoding: received, as: UTF8.self) : nil }
                received += buffer[..<count]
            }
        }
    }

    static func application(timeout: Duration) throws -> some ApplicationProtocol {
        var configuration = BotConfiguration(library: Fixture.library, signingSecret: Fixture.secret)
        configuration.port = 0
        configuration.requestTimeout = timeout
        configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("limits-\(UUID().uuidString)").path
        return try buildApplication(configuration, logger: LogRecorder().logger())
    }

    @Test func partialHeadersAreCutOff() async throws {
        try await Self.application(timeout: .milliseconds(300)).test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.send("POST /slack/commands HTTP/1.1\r\nHost: bot\r\nX-Slack-Request")
            let started = ContinuousClock.now
            #expect(connection.readUntilClosed() != nil, "the bot closed the connection")
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    /// The request head has a deadline of its own, counted from the connection opening and
    /// from each response's end, on the event loop's clock (advanced here, not waited for).
    /// Bytes of a trickled head never reach this handler, so they cannot move the deadline;
    /// only a whole head does.
    @Test func aRequestHeadMustArriveWholeWithinTheTimeout() throws {
        let channel = EmbeddedChannel(handler: RequestHeadDeadline(timeout: .seconds(10)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(channel.isActive, "open within the deadline")
        // A whole head arrives: this request may take its time (its body has its own deadline).
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .post, scheme: "http", authority: "bot", path: "/slack/commands")))
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(channel.isActive)
        // The response ends: the next head is due within the timeout again.
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(!channel.isActive, "closed when no head arrived in time")
    }

    /// A body trickled in parts: each part is checked against the deadline on the bot's clock.
    @Test func aBodyPartArrivingAfterTheDeadlineIsRefused() async throws {
        let clock = TestClock()
        let deadline = clock.now().adding(seconds: 10)
        let (parts, source) = AsyncStream<ByteBuffer>.makeStream()
        var request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "bot", path: "/slack/commands"),
            body: RequestBody(asyncSequence: parts)
        )
        source.yield(ByteBuffer(string: "command=%2Frunbook"))
        clock.advance(by: .seconds(11))
        source.yield(ByteBuffer(string: "&text=timeout"))
        source.finish()
        do {
            let body = try await SlackVerificationMiddleware.collect(&request, upTo: 1024, by: deadline, clock: clock)
            Issue.record("a late body was accepted: \(String(buffer: body))")
        } catch is SlackVerificationMiddleware.BodyTimedOut {
        }
    }

    @Test func aBodyInTimeIsCollectedWholeAndKeptForTheHandler() async throws {
        let clock = TestClock()
        let (parts, source) = AsyncStream<ByteBuffer>.makeStream()
        var request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "bot", path: "/slack/commands"),
            body: RequestBody(asyncSequence: parts)
        )
        source.yield(ByteBuffer(string: "command=%2Frunbook"))
        source.yield(ByteBuffer(string: "&text=timeout"))
        source.finish()
        let body = try await SlackVerificationMiddleware.collect(&request, upTo: 1024, by: clock.now().adding(seconds: 10), clock: clock)
        #expect(String(buffer: body) == "command=%2Frunbook&text=timeout")
        #expect(String(buffer: try await request.body.collect(upTo: 1024)) == "command=%2Frunbook&text=timeout")
        // Over the size limit is refused however fast it comes.
        var large = Request(head: request.head, body: .init(buffer: ByteBuffer(string: String(repeating: "x", count: 2048))))
        await #expect(throws: NIOTooManyBytesError.self) {
            _ = try await SlackVerificationMiddleware.collect(&large, upTo: 1024, by: clock.now().adding(seconds: 10), clock: clock)
        }
    }
}
