import Incidents
import Storage
import TestSupport
import Testing

/// The permission matrix run through a transport: every verb × {own channel, thread in it,
/// other channel, DM} × {listed, unlisted, admin}. `send` delivers one `/incident` command
/// the way the transport would and returns the whole reply as Slack receives it.
struct PermissionMatrixDriver {
    typealias Send = @Sendable (_ text: String, _ user: String, _ channel: String) async throws -> String

    static let settings = IncidentFlowTests.settings + "\n" + FastRunbook.matrixPermissions

    static let places: [(name: String, channel: String)] = [("own", "C123"), ("thread", "C123"), ("other", "C0OTHER"), ("dm", "D0DM")]
    static let users: [(name: String, id: String)] = [("listed", "U0LISTED"), ("unlisted", "U0NOBODY"), ("admin", "U0ADMIN")]
    static let verbs = IncidentCommand.Verb.allCases.filter { $0 != .help }

    static func text(_ verb: IncidentCommand.Verb, _ id: String) -> String {
        switch verb {
        case .declare: "declare sev3 another thing"
        case .acknowledge: "ack \(id)"
        case .update: "update \(id) status from the matrix"
        case .escalate: "escalate \(id)"
        case .resolve: "resolve \(id)"
        case .publish: "publish \(id) Invoices are delayed"
        case .list: "list"
        case .show: "show \(id)"
        case .postmortem: "postmortem \(id)"
        case .help: "help"
        }
    }

    /// What a person's action can change: everything but the card's thread, which the outbox
    /// fills in on its own when the card is posted.
    static func decided(_ incident: Incident) -> Incident {
        var incident = incident
        incident.threadTS = nil
        return incident
    }

    /// Runs every case; each changing case on an incident of its own, so cases never depend
    /// on each other. Returns how many cases ran.
    @discardableResult
    static func run(store: SQLiteIncidentStore, send: Send) async throws -> Int {
        var cases = 0
        for verb in verbs {
            for place in places {
                for user in users {
                    cases += 1
                    let declared = try await send("declare lambda timeout case \(cases)", "U0LISTED", "C123")
                    let id = try #require(declared.firstMatch(of: /INC-\d+/).map { String($0.output) })
                    let before = try await store.incident(id).map(Self.decided)
                    let reply = try await send(text(verb, id), user.id, place.channel)
                    let label = "\(verb) from \(place.name) by \(user.name): \(reply.prefix(300))"
                    let reachable = place.channel == "C123" || user.name == "admin"
                    switch verb {
                    case .declare:
                        #expect(reply.contains("declared") == (user.name != "unlisted"), "\(label)")
                    case .list:
                        #expect(reply.contains(id) == reachable, "\(label)")
                    case .show:
                        #expect(reply.contains("belongs to <#C123>") == !reachable, "\(label)")
                    case .postmortem:
                        #expect(reply.contains("postmortem summary posted") == (reachable && user.name != "unlisted"), "\(label)")
                    default:
                        let accepted = reachable && user.name != "unlisted"
                        let after = try await store.incident(id).map(Self.decided)
                        #expect((after != before) == accepted, "\(label)")
                        if !reachable { #expect(reply.contains("\(id) belongs to <#C123>"), "\(label)") }
                        else if !accepted { #expect(reply.contains("You are not allowed"), "\(label)") }
                    }
                }
            }
        }
        return cases
    }
}
