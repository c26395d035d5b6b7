import AsyncHTTPClient
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

    var timerHandlers: [any DurableTimerHandler] { handoffs.map { [$0] } ?? [] }

    init(
        configuration: BotConfiguration, store: any IncidentStore, groups: any UserGroupDirectory, transport: LiveTransport,
        httpClient: HTTPClient, clock: any BotClock, logger: Logger
    ) {
        let pagerDuty = configuration.onCall.pagerDutyAPIToken.map {
            PagerDutyOnCalls(
                baseURL: configuration.onCall.pagerDutyAPIURL, token: $0, client: httpClient, clock: clock, logger: logger,
                cacheFor: configuration.onCall.pagerDutyCacheFor
            )
        }
        let source = StoredOnCall(library: configuration.library, store: store as? any OnCallStore, external: pagerDuty)
        self.source = source
        self.handoffs = (store as? any TimerStore).map {
            OnCallHandoffs(
                library: configuration.library, source: source, timers: $0, seen: store, transport: transport, slack: transport.slack,
                times: TimeFormatter(timeZoneIdentifier: configuration.settings.timeZone), logger: logger
            )
        }
        self.desk = OnCallDesk(
            library: configuration.library, settings: configuration.settings, clock: clock, source: source,
            store: store as? any OnCallStore, groups: groups,
            announce: { channel, text in
                _ = await transport.post(SlackPost(method: .postMessage, channel: "\(channel)", text: SlackMarkup.render(text)))
            }
        )
    }
}
