import AsyncHTTPClient
import Foundation
import Incidents
import Logging
import NIOCore

/// Who PagerDuty says is on call for a schedule: REST API v2 `GET /oncalls`, users
/// included so their emails can be matched to contacts. Answers are kept for `cacheFor`
/// (a failure for a few seconds only), so a burst of pings asks once and an unreachable
/// PagerDuty does not slow every ping. The API token is sent as a header only, never
/// logged or described.
public actor PagerDutyOnCalls: ExternalOnCallDirectory {
    /// PagerDuty's public REST API address; the one place it is written.
    public static let defaultBaseURL = "https://api.pagerduty.com"

    private let baseURL: String
    private let token: String
    private let client: HTTPClient
    private let clock: any BotClock
    private let logger: Logger
    private let cacheFor: Duration
    private let timeout: TimeAmount
    private var cache: [String: (answer: ExternalOnCall, until: Timestamp)] = [:]
    /// Questions on their way to PagerDuty: a second ping for the same schedule meanwhile
    /// waits for the same answer instead of asking again.
    private var asking: [String: Task<ExternalOnCall, Never>] = [:]
    private var waiting: [String: Int] = [:]

    /// Callers waiting for the answer already asked for (for tests to see them queue up).
    func callersWaiting(for schedule: String) -> Int { waiting[schedule] ?? 0 }

    /// A failed answer is kept this long before PagerDuty is asked again.
    static let failureCache: Duration = .seconds(10)

    public init(
        baseURL: String = PagerDutyOnCalls.defaultBaseURL, token: String, client: HTTPClient, clock: any BotClock, logger: Logger,
        cacheFor: Duration = .seconds(60), timeout: TimeAmount = .seconds(5)
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.client = client
        self.clock = clock
        self.logger = logger
        self.cacheFor = cacheFor
        self.timeout = timeout
    }

    public func onCall(schedule: String, at now: Timestamp) async -> ExternalOnCall {
        if let cached = cache[schedule], now < cached.until { return cached.answer }
        if let inFlight = asking[schedule] {
            waiting[schedule, default: 0] += 1
            defer { waiting[schedule, default: 1] -= 1 }
            return await inFlight.value
        }
        let question = Task { await fetch(schedule) }
        asking[schedule] = question
        let answer = await question.value
        asking[schedule] = nil
        if case .unavailable(let reason) = answer {
            logger.warning("PagerDuty on-call unavailable; reaching the rotation's participants from oncall.yaml", metadata: [
                "schedule": "\(schedule)", "reason": "\(reason)",
            ])
            cache[schedule] = (answer, now.adding(Self.failureCache))
        } else {
            cache[schedule] = (answer, now.adding(cacheFor))
        }
        return answer
    }

    /// Entries asked for per page, and the most pages read: a schedule on call in many
    /// escalation policies at once spans pages, and its first level may be on any of them.
    static let pageSize = 100
    static let maximumPages = 5

    private func fetch(_ schedule: String) async -> ExternalOnCall {
        var entries: [Entry] = []
        for page in 0..<Self.maximumPages {
            switch await fetchPage(schedule, offset: page * Self.pageSize) {
            case .failure(let unavailable):
                return .unavailable(reason: unavailable.reason)
            case .success(let answer):
                entries += answer.oncalls
                guard answer.more == true, !answer.oncalls.isEmpty else { return Self.answer(entries, schedule: schedule) }
            }
        }
        logger.warning("PagerDuty on-call: more entries than read; the first levels read are used", metadata: [
            "schedule": "\(schedule)", "entries": "\(entries.count)",
        ])
        return Self.answer(entries, schedule: schedule)
    }

    struct Unavailable: Error {
        var reason: String
    }

    private func fetchPage(_ schedule: String, offset: Int) async -> Result<OnCallsPage, Unavailable> {
        let escaped = schedule.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? schedule
        var request = HTTPClientRequest(
            url: "\(baseURL)/oncalls?schedule_ids%5B%5D=\(escaped)&include%5B%5D=users&time_zone=UTC&limit=\(Self.pageSize)&offset=\(offset)"
        )
        request.method = .GET
        request.headers.add(name: "Authorization", value: "Token token=\(token)")
        request.headers.add(name: "Accept", value: "application/vnd.pagerduty+json;version=2")
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 1 << 20)
            guard response.status.code == 200 else { return .failure(Unavailable(reason: "PagerDuty answered HTTP \(response.status.code)")) }
            guard let page = try? JSONDecoder().decode(OnCallsPage.self, from: Data(body.readableBytesView)) else {
                return .failure(Unavailable(reason: "PagerDuty's answer could not be read"))
            }
            return .success(page)
        } catch {
            return .failure(Unavailable(reason: "PagerDuty unreachable"))
        }
    }

    /// The people on call at the first escalation level of `schedule`, each once.
    static func answer(_ all: [Entry], schedule: String) -> ExternalOnCall {
        let entries = all.filter { $0.schedule?.id == nil || $0.schedule?.id == schedule }
        let firstLevel = entries.map { $0.escalationLevel ?? 1 }.min()
        var seen: Set<String> = []
        var people: [ExternalPerson] = []
        var until: Timestamp?
        for entry in entries where (entry.escalationLevel ?? 1) == firstLevel {
            guard let user = entry.user, let name = user.name ?? user.summary else { continue }
            if let end = entry.end.flatMap(Self.instant) { until = min(until ?? end, end) }
            guard seen.insert(user.email?.lowercased() ?? name).inserted else { continue }
            people.append(ExternalPerson(name: String(name.prefix(200)), email: user.email.map { String($0.prefix(320)) }))
        }
        return .onCall(people, until: until)
    }

    static func instant(_ text: String) -> Timestamp? {
        (try? Date(text, strategy: .iso8601)).map { Timestamp($0) }
    }

    struct OnCallsPage: Decodable {
        var oncalls: [Entry]
        var more: Bool?
    }

    struct Entry: Decodable {
        var user: User?
        var schedule: Reference?
        var escalationLevel: Int?
        var end: String?

        enum CodingKeys: String, CodingKey {
            case user, schedule, end
            case escalationLevel = "escalation_level"
        }
    }

    struct User: Decodable {
        var name: String?
        var summary: String?
        var email: String?
    }

    struct Reference: Decodable {
        var id: String?
    }
}

extension PagerDutyOnCalls: CustomStringConvertible {
    nonisolated public var description: String { "PagerDutyOnCalls(credentials redacted)" }
}
