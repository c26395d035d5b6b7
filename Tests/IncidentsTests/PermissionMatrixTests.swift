import GRDB
import Incidents
import RunbookModel
import Storage
import TestSupport
import Testing

/// Every verb, from every place, by every kind of user: an incident is changed and shown
/// only from its own channel (a thread in it carries the same channel id), by users the
/// permission lists allow; admins reach every incident from anywhere.
struct PermissionMatrixTests {
    enum Place: String, CaseIterable {
        case ownChannel, threadInOwnChannel, otherChannel, directMessage

        var channel: String {
            switch self {
            case .ownChannel, .threadInOwnChannel: "C0INC"
            case .otherChannel: "C0OTHER"
            case .directMessage: "D0DM"
            }
        }

        var isOwn: Bool { channel == "C0INC" }
    }

    enum User: String, CaseIterable {
        case listed = "U0LISTED", unlisted = "U0NOBODY", admin = "U0ADMIN"
    }

    static let settings = FastRunbook.matrixPermissions

    struct Case: CustomTestStringConvertible {
        var verb: IncidentCommand.Verb
        var place: Place
        var user: User
        var testDescription: String { "\(verb) from \(place) by \(user)" }
    }

    static let cases: [Case] = IncidentCommand.Verb.allCases.filter { $0 != .help }.flatMap { verb in
        Place.allCases.flatMap { place in User.allCases.map { Case(verb: verb, place: place, user: $0) } }
    }

    static func text(for verb: IncidentCommand.Verb) -> String {
        switch verb {
        case .declare: "declare sev2 second thing"
        case .acknowledge: "ack INC-1"
        case .update: "update INC-1 replay at 40%"
        case .escalate: "escalate INC-1"
        case .resolve: "resolve INC-1"
        case .publish: "publish INC-1 Invoices are delayed"
        case .list: "list"
        case .show: "show INC-1"
        case .postmortem: "postmortem INC-1"
        case .help: "help"
        }
    }

    @Test(arguments: cases)
    func verbFromPlaceByUser(_ test: Case) async throws {
        let (library, settings) = try FastRunbook.load(levelSeconds: [0, 60, 120], settings: Self.settings)
        let clock = TestClock()
        let store = try SQLiteIncidentStore(database: DatabaseQueue(), clock: clock)
        let desk = IncidentDesk(store: store, library: library, settings: settings, clock: clock, pagerDutyEnabled: false)
        #expect(await desk.handle(IncidentCommand(text: "declare lambda timeout"), actor: "U0LISTED", channel: "C0INC").succeeded)
        let before = try #require(try await store.incident("INC-1"))
        let deliveriesBefore = try await store.deliveries("INC-1").count

        let reply = await desk.handle(IncidentCommand(text: Self.text(for: test.verb)), actor: test.user.rawValue, channel: test.place.channel)

        let mayReach = test.place.isOwn || test.user == .admin
        let allowedByList = test.user != .unlisted
        switch test.verb {
        case .declare:
            // Declaring makes a new incident where it is typed: only the declare list applies.
            #expect(reply.succeeded == allowedByList)
            #expect((try await store.incident("INC-2") != nil) == allowedByList)
            if !allowedByList { #expect(reply.refusal == .notAllowed(.declare)) }
        case .list:
            #expect(reply.succeeded)
            let lists = String(describing: reply.card.sections).contains("INC-1")
            #expect(lists == mayReach, "the list shows another channel's incident")
        case .show:
            #expect(reply.succeeded == mayReach)
            if !mayReach { #expect(reply.refusal == .belongsElsewhere(id: "INC-1", channel: "C0INC")) }
        case .acknowledge, .update, .escalate, .resolve, .publish:
            let expected: DeskRefusal? =
                if !mayReach { .belongsElsewhere(id: "INC-1", channel: "C0INC") }
                else if !allowedByList { .notAllowed(Self.permission(test.verb)) }
                else { nil }
            #expect(reply.refusal == expected)
            let after = try #require(try await store.incident("INC-1"))
            if expected != nil {
                #expect(after == before, "a refused \(test.verb) changed the incident")
                #expect(try await store.deliveries("INC-1").count == deliveriesBefore, "a refused \(test.verb) queued a message")
            } else {
                #expect(after != before)
            }
        case .postmortem:
            // Posting the summary changes no incident, but queues a message in its thread.
            let expected: DeskRefusal? =
                if !mayReach { .belongsElsewhere(id: "INC-1", channel: "C0INC") }
                else if !allowedByList { .notAllowed(.update) }
                else { nil }
            #expect(reply.refusal == expected)
            #expect((try await store.deliveries("INC-1").count > deliveriesBefore) == (expected == nil))
        case .help:
            Issue.record("help is not in the matrix")
        }
        if case .belongsElsewhere = reply.refusal {
            // The refusal names where to go, as a channel mention each chat renders.
            #expect(String(describing: reply.card.sections).contains("C0INC"))
        }
    }

    static func permission(_ verb: IncidentCommand.Verb) -> Permission {
        switch verb {
        case .acknowledge: .acknowledge
        case .update: .update
        case .escalate: .escalate
        case .resolve: .resolve
        case .publish: .publish
        default: .declare
        }
    }

    /// Admins may be a user group, as the other lists may.
    @Test func anAdminGroupMemberReachesEveryChannel() async throws {
        struct Groups: UserGroupDirectory {
            func isMember(_ user: String, of group: String) async -> Bool { group == "S0SRE" && user == "U0SRE" }
        }
        let (library, settings) = try FastRunbook.load(settings: "permissions:\n  admins: [S0SRE]\n")
        let clock = TestClock()
        let store = try SQLiteIncidentStore(database: DatabaseQueue(), clock: clock)
        let desk = IncidentDesk(store: store, library: library, settings: settings, clock: clock, pagerDutyEnabled: false, groups: Groups())
        _ = await desk.handle(IncidentCommand(text: "declare lambda timeout"), actor: "U0ALEX", channel: "C0INC")
        #expect(await desk.handle(IncidentCommand(text: "ack INC-1"), actor: "U0SRE", channel: "D0DM").succeeded)
        let list = await desk.handle(IncidentCommand(text: "list"), actor: "U0SRE", channel: "D0DM")
        #expect(list.card.title == "Open incidents (1)")
        let stranger = await desk.handle(IncidentCommand(text: "resolve INC-1"), actor: "U0BOB", channel: "D0DM")
        #expect(stranger.refusal == .belongsElsewhere(id: "INC-1", channel: "C0INC"))
    }
}
