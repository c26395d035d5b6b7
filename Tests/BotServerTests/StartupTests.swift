@testable import BotServer
import Foundation
import GRDB
import Incidents
import Logging
import Storage
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Whoever deploys the bot learns in one line why it could not start, and nothing else is
/// reported as broken on the way out.
@Suite(.timeLimit(.minutes(1)))
struct StartupTests {
    /// A socket listening on a free loopback port, held open for the test.
    final class HeldPort {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(descriptor, pointer, length) == 0 && listen(descriptor, 1) == 0
                        && getsockname(descriptor, pointer, &length) == 0
                }
            }
            guard bound else {
                close(descriptor)
                throw POSIXError(.EADDRINUSE)
            }
            self.descriptor = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(descriptor) }
    }

    @Test func aPortAlreadyInUseIsNamedPlainly() async throws {
        let held = try HeldPort()
        var configuration = BotConfiguration(library: Fixture.library, signingSecret: Fixture.secret)
        configuration.host = "127.0.0.1"
        configuration.port = held.port
        configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString)").path
        let log = LogRecorder()
        let application = try buildApplication(configuration, logger: log.logger())
        do {
            try await BotServer.run(application, configuration: configuration, logger: log.logger())
            Issue.record("the bot ran on a port another process holds")
        } catch let failure as ListenFailure {
            #expect(failure.description == """
                cannot listen on 127.0.0.1:\(held.port): the address is already in use \
                (is another runbook-bot running?); stop it or choose another --port
                """)
        }
        // Services stopped before they finished starting are not failures of their own.
        let errors = log.all.filter { $0.level >= .error }
        #expect(errors.isEmpty, "logged as errors: \(errors.map(\.rendered))")
    }

    /// The bot stopping while the handoff timers are being set (it could not listen, say)
    /// is a stop, not a failure: the starter returns and logs nothing as an error.
    @Test func handoffTimersCutShortByAStopAreNotAnError() async throws {
        let clock = TestClock()
        let store = try SQLiteIncidentStore(database: DatabaseQueue(), clock: clock)
        let log = LogRecorder()
        let times = TimeFormatter(timeZoneIdentifier: "UTC")
        let transport = LiveTransport(slack: nil, pagerDuty: nil, console: ConsoleTransport(logger: log.logger(), times: times), times: times)
        let handoffs = OnCallHandoffs(
            library: Fixture.library, source: StoredOnCall(library: Fixture.library, store: nil), timers: store, seen: store,
            announcements: ChatAnnouncements(timers: store, transport: transport, scheduled: {}, logger: log.logger()),
            times: times, logger: log.logger()
        )
        try #require(!handoffs.announced.isEmpty, "the sample runbook announces a rotation's handoffs")
        let starter = OnCallHandoffStarter(handoffs: handoffs, clock: clock, wakeup: Wakeup(clock: clock))
        let stopped = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await starter.run()
        }
        try await stopped.value
        #expect(try await store.nextTimerDue() == nil, "no timer was set")
        let errors = log.all.filter { $0.level >= .error }
        #expect(errors.isEmpty, "logged as errors: \(errors.map(\.rendered))")
    }
}
