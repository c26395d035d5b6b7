import GRDB
import Incidents
import RunbookModel
import Storage
import Synchronization
import TestSupport
import Testing

/// The desk on an in-memory store and a test clock: what each command saves, queues and
/// answers, with time moved by the test.
struct IncidentDeskTests {
    /// Members of user groups, as Slack would report them.
    struct Groups: UserGroupDirectory {
        var members: [String: Set<String>] = [:]
        func isMember(_ user: String, of group: String) async -> Bool { members[group]?.contains(user) == true }
    }

    final class Signals: Sendable {
        let count = Mutex(0)
    }

    struct Desk {
        let desk: IncidentDesk
        let store: SQLiteIncidentStore
        let clock: TestClock
        let signals: Signals

        func run(_ text: String, as user: String = "U0ALEX", in channel: String = "C0INC") async -> IncidentDesk.Reply {
            await desk.handle(IncidentCommand(text: text), actor: user, channel: channel)
        }
    }

    static func desk(settings: String? = nil, groups: Groups = Groups()) throws -> Desk {
        let (library, settings) = try FastRunbook.load(levelSeconds: [0, 60, 120], settings: settings)
        let clock = TestClock()
        let store = try SQLiteIncidentStore(database: DatabaseQueue(), clock: clock)
        let signals = Signals()
        let desk = IncidentDesk(
            store: store, library: library, settings: settings, clock: clock, pagerDutyEnabled: true, groups: groups,
            changed: { signals.count.withLock { $0 += 1 } }
        )
        return Desk(desk: desk, store: store, clock: clock, signals: signals)
    }

    @Test func declaringTakesTheFailureModeAndQueuesTheCardAndLevelOne() async throws {
        let bot = try Self.desk()
        let reply = await bot.run("declare lambda timeout on invoices")
        #expect(reply.succeeded)
        #expect(reply.card.title == "INC-1 declared: lambda timeout on invoices")
        let incident = try #require(try await bot.store.incident("INC-1"))
        #expect(incident.declaredAt == bot.clock.now())
        #expect(incident.severity == .sev2)
        #expect(incident.immediateActions == [ImmediateAction(text: "Check the logs", command: "aws logs tail /aws/lambda/fast-parser --since 30m")])
        #expect(incident.policy.levels.map { $0.targets.first?.chat } == [.user(id: "U0ONCALL"), .userGroup(id: "S0LEADS"), .channel(id: "C0TEAM")])
        #expect(try await bot.store.deliveries("INC-1").map(\.delivery.effect) == [.postCard, .notifyLevel(level: 1, reason: .declared)])
        // The scheduler and the sender were told to look again.
        #expect(bot.signals.count.withLock { $0 } == 1)
    }

    @Test func typedAndClickedEscalationsPassTheSamePermissionCheck() async throws {
        let settings = """
            permissions:
              escalate: [U0LEAD, S0ONCALL]
            """
        let bot = try Self.desk(settings: settings, groups: Groups(members: ["S0ONCALL": ["U0SAM"]]))
        _ = await bot.run("declare lambda timeout")
        let typed = await bot.run("escalate", as: "U0ALEX")
        let clicked = await bot.desk.handle(CardAction.escalate(id: "INC-1", fromLevel: 1), actor: "U0ALEX", channel: "C0INC")
        #expect(typed.refusal == .notAllowed(.escalate))
        #expect(clicked.refusal == .notAllowed(.escalate))
        #expect(typed.card.title == "You are not allowed to escalate (bot.yaml permissions). Nothing changed.")
        #expect(try await bot.store.incident("INC-1")?.levelsReached == 1, "nothing changed")
        // A member of a listed group may; the click names the level it showed.
        let allowed = await bot.desk.handle(CardAction.escalate(id: "INC-1", fromLevel: 1), actor: "U0SAM", channel: "C0INC")
        #expect(allowed.succeeded)
        let stale = await bot.desk.handle(CardAction.escalate(id: "INC-1", fromLevel: 1), actor: "U0SAM", channel: "C0INC")
        #expect(stale.refusal == .illegalMove(.alreadyEscalated("INC-1", level: 2)))
        #expect(try await bot.store.incident("INC-1")?.levelsReached == 2)
    }

    @Test func refusalsAreDataThatMentionThePlaceWithoutMarkup() async throws {
        let bot = try Self.desk(settings: "permissions:\n  declare_channels: [C0WAR]\n")
        let refused = await bot.run("declare lambda timeout", in: "C0ELSEWHERE")
        #expect(refused.refusal == .notADeclareChannel(allowed: ["C0WAR"]))
        guard case .text(let text) = refused.card.sections.first?.items.first else {
            Issue.record("a refusal that mentions a channel is a text item")
            return
        }
        #expect(text.spans.contains(.mention(.channel(id: "C0WAR"))))
        #expect(try await bot.store.openIncidents(channel: nil).isEmpty)
    }

    @Test func theIDMayBeLeftOutOnlyWhenTheChannelHasOneOpenIncident() async throws {
        let bot = try Self.desk()
        #expect(await bot.run("ack").refusal == .noOpenIncidentHere)
        _ = await bot.run("declare lambda timeout")
        #expect(await bot.run("ack").succeeded)
        _ = await bot.run("declare something else")
        #expect(await bot.run("update replay at 40%").refusal == .severalOpenIncidentsHere(["INC-1 (lambda timeout)", "INC-2 (something else)"]))
        #expect(await bot.run("update INC-9 anything").refusal == .noSuchIncident("INC-9"))
        #expect(await bot.run("update INC-2 replay at 40%").succeeded)
        #expect(try await bot.store.incident("INC-2")?.lastStatusText == "replay at 40%")
    }

    @Test func timesComeFromTheClock() async throws {
        let bot = try Self.desk()
        _ = await bot.run("declare lambda timeout")
        bot.clock.advance(by: .seconds(12 * 60))
        _ = await bot.run("resolve INC-1 backlog replayed")
        let resolved = try #require(try await bot.store.incident("INC-1"))
        #expect(resolved.resolvedAt == bot.clock.now())
        bot.clock.advance(by: .seconds(3600))
        let shown = PlainTextRenderer.render(await bot.run("show INC-1").card)
        #expect(shown.contains("open for 12m"), "a resolved incident's age stops at its resolution")
        #expect(shown.contains("resolved by U0ALEX"))
    }
}
