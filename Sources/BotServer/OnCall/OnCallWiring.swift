import AsyncHTTPClient
import Foundation
import Incidents
import Logging
import PagerDuty
import RunbookModel
import Slack

/// The on-call pieces `buildApplication` wires: where the roster comes from (the file, the
/// overrides in the store, PagerDuty) and the desk that answers `/oncall`.
struct OnCallWiring {
    let source: any OnCallSource
    let desk: OnCallDesk
    /// Announces handoffs; nil when the store keeps no timers.
    let handoffs: OnCallHandoffs?
    /// Keeps handoff and override announcements until Slack takes them; nil when the store keeps no timers.
    let announcements: ChatAnnouncements?

    var timerHandlers: [any DurableTimerHandler] { (handoffs.map { [$0] } ?? []) + (announcements.map { [$0] } ?? []) }

    init(
        configuration: BotConfiguration, store: any IncidentStore, groups: any UserGroupDirectory, transport: LiveTransport,
        httpClient: HTTPClient, clock: any BotClock, scheduler: Wakeup, logger: Logger
    ) {
        let pagerDuty = configuration.onCall.pagerDutyAPIToken.map {
            PagerDutyOnCalls(
                baseURL: configuration.onCall.pagerDutyAPIURL, token: $0, client: httpClient, clock: clock, logger: logger,
                cacheFor: configuration.onCall.pagerDutyCacheFor
            )
        }
        let source = StoredOnCall(library: configuration.library, store: store as? any OnCallStore, external: pagerDuty)
        self.source = source
        let times = TimeFormatter(timeZoneIdentifier: configuration.settings.timeZone)
        let announcements = (store as? any TimerStore).map {
            ChatAnnouncements(timers: $0, transport: transport, scheduled: { await scheduler.signal() }, logger: logger)
        }
        self.announcements = announcements
        self.handoffs = announcements.map {
            OnCallHandoffs(
                library: configuration.library, source: source, timers: $0.timers, seen: store, announcements: $0, times: times, logger: logger
            )
        }
        self.desk = OnCallDesk(
            library: configuration.library, settings: configuration.settings, clock: clock, source: source,
            store: store as? any OnCallStore, groups: groups,
            announce: { channel, text in
                let rendered = SlackMarkup.render(text)
                if let announcements {
                    do {
                        try await announcements.send(.post(channel: "\(channel)", text: rendered), key: "oncall:\(UUID().uuidString)", at: clock.now())
                        return
                    } catch {
                        logger.warning("announcement not kept; posting once", metadata: ["channel": "\(channel)", "error": "\(error)"])
                    }
                }
                // Said once, straight away, when it cannot be kept to be tried again.
                _ = await transport.post(SlackPost(method: .postMessage, channel: "\(channel)", text: rendered))
            }
        )
    }
}
