/// Where each effect goes: the incident's channel and thread, the status channels, PagerDuty.
public enum DeliveryRouting {
    public static func deliveries(for effects: [Effect], statusChannels: [String], pagerDutyEnabled: Bool) -> [Delivery] {
        var deliveries: [Delivery] = []
        for effect in effects {
            switch effect {
            case .statusUpdate:
                deliveries.append(Delivery(effect, to: .incidentChannel))
                deliveries += statusChannels.map { Delivery(effect, to: .statusChannel($0)) }
            case .resolvedNotice:
                deliveries.append(Delivery(effect, to: .incidentChannel))
                deliveries += statusChannels.map { Delivery(effect, to: .statusChannel($0)) }
            case .pageTrigger, .pageResolve:
                if pagerDutyEnabled { deliveries.append(Delivery(effect, to: .pagerDuty)) }
            case .postCard, .updateCard, .notifyLevel, .notifyCritical, .reminder, .chainStopped:
                deliveries.append(Delivery(effect, to: .incidentChannel))
            }
        }
        return deliveries
    }
}
