/// Where each effect goes: the incident's channel and thread, the status channels, PagerDuty.
public struct DeliveryRouting: Sendable {
    public var statusChannels: [String]
    public var pagerDutyEnabled: Bool

    public init(statusChannels: [String], pagerDutyEnabled: Bool) {
        self.statusChannels = statusChannels
        self.pagerDutyEnabled = pagerDutyEnabled
    }

    /// A transition with its effects routed, ready to save.
    public func change(for transition: Transition) -> Change {
        Change(transition: transition, deliveries: deliveries(for: transition.effects))
    }

    public func deliveries(for effects: [Effect]) -> [Delivery] {
        var deliveries: [Delivery] = []
        for effect in effects {
            switch effect {
            case .statusUpdate, .resolvedNotice:
                deliveries.append(Delivery(effect, to: .incidentChannel))
                deliveries += statusChannels.map { Delivery(effect, to: .statusChannel($0)) }
            case .pageTrigger, .pageResolve:
                if pagerDutyEnabled { deliveries.append(Delivery(effect, to: .pagerDuty)) }
            case .postCard, .updateCard, .notifyLevel, .notifyCritical, .reminder, .chainStopped, .published, .deliveryProblem, .postmortemSummary:
                deliveries.append(Delivery(effect, to: .incidentChannel))
            }
        }
        return deliveries
    }
}
