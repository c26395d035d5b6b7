import BotServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A client cannot hold the bot's connections open with partial or trickled requests.
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
                if count < 0 { return nil }
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

    @Test func aTrickledBodyIsRefusedWhenItsTimeIsUp() async throws {
        try await Self.application(timeout: .milliseconds(1500)).test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.send("POST /slack/commands HTTP/1.1\r\nHost: bot\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\ncommand=%2Frunbook")
            // A byte now and then keeps the connection from being idle; the body's deadline still comes.
            let trickle = Task {
                for _ in 0..<100 {
                    try await Task.sleep(for: .milliseconds(100))
                    connection.send("x")
                }
            }
            defer { trickle.cancel() }
            var response = ""
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(connection.descriptor, &buffer, buffer.count, 0)
            if count > 0 { response = String(decoding: buffer[..<count], as: UTF8.self) }
            #expect(response.hasPrefix("HTTP/1.1 408"), "got: \(response.prefix(80))")
        }
    }
}
