import Foundation
import Hummingbird
import Incidents
import RunbookModel

/// `GET /oncall/<rotation>.ics?token=…`: a rotation's shifts for calendar subscriptions,
/// recorded overrides included. Without the right token the calendar does not exist (404),
/// so the address gives nothing away.
struct OnCallCalendarController: Sendable {
    let source: any OnCallSource
    let clock: any BotClock
    let token: String
    /// From a week back, so a subscribed calendar keeps the recent past.
    static let daysBack = 7
    static let days = 97

    func addRoutes(to router: Router<BotRequestContext>) {
        router.get("oncall/:file") { request, context in
            try await calendar(request, context: context)
        }
    }

    func calendar(_ request: Request, context: BotRequestContext) async throws -> Response {
        let file = context.parameters.get("file") ?? ""
        guard file.hasSuffix(".ics"), matches(request.uri.queryParameters.get("token")) else { return Self.notFound }
        let now = clock.now()
        let roster = await source.roster(at: now)
        guard let rotation = roster.library.rotation(String(file.dropLast(4))),
              let text = OnCallCalendar.iCalendar(
                  rotation, roster: roster, from: now.date.addingTimeInterval(-Double(Self.daysBack) * 86_400), days: Self.days, stamp: now.date
              )
        else { return Self.notFound }
        return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Compared in constant time, so the token cannot be guessed a byte at a time.
    private func matches(_ given: String?) -> Bool {
        guard let given else { return false }
        let a = Array(given.utf8), b = Array(token.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static var notFound: Response {
        Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "not found")))
    }
}
