import Foundation
import Yams

/// Turns `oncall.yaml` into rotations, reporting every shape problem it meets: unknown
/// keys, bad zones, times and shift lengths, weekdays where they do not belong. References
/// to runbook contacts are checked afterwards by `OnCallValidator`, once every runbook is read.
final class OnCallDecoder {
    let reader: YAMLReader
    /// Every rotation id declared, with where, even for rotations left out for errors.
    private(set) var declaredIDs: [(id: String, path: FieldPath)] = []
    /// What each rotation names in the runbooks, recorded even for rotations left out for
    /// errors, so one pass reports every unknown contact.
    private(set) var references: [References] = []

    struct References {
        var participants: [(id: String, path: FieldPath)] = []
        var overrideContacts: [(id: String, path: FieldPath)] = []
        var start: (date: CalendarDate, path: FieldPath)?
    }

    static let rotationKeys = [
        "id", "name", "timezone", "shift", "handoff", "weekday", "start", "participants", "overrides",
        "channel", "user_group", "pagerduty_schedule",
    ]
    /// The keys that describe shifts kept in the file, which a PagerDuty rotation must not have.
    /// (It may list `participants`: whom to reach when PagerDuty cannot be asked.)
    static let planKeys = ["shift", "handoff", "weekday", "start", "overrides"]

    init(reader: YAMLReader) {
        self.reader = reader
    }

    func decode(_ root: Node) -> [Rotation] {
        guard let top = reader.mapping(root, at: .root, allowedKeys: ["rotations"]) else { return [] }
        var rotations: [Rotation] = []
        for item in top.sequence("rotations", required: true) {
            if case .mapping(let mapping) = item.node,
               let id = mapping.first(where: { $0.key.scalar?.string == "id" })?.value.scalar?.string.trimmingWhitespace(),
               !id.isEmpty {
                declaredIDs.append((id, item.path.appending("id")))
            }
            if let rotation = rotation(item.node, item.path) {
                rotations.append(rotation)
            }
        }
        return rotations
    }

    private func rotation(_ node: Node, _ path: FieldPath) -> Rotation? {
        guard let map = reader.mapping(node, at: path, allowedKeys: Self.rotationKeys) else { return nil }
        let id = map.identifier("id")
        let name = map.string("name")
        let zone = timeZone(map)
        let channel = map.string("channel", required: false).flatMap { text -> ChatAddress? in
            switch ChatAddress(parsing: text) {
            case .channel?, .channelName?: return ChatAddress(parsing: text)
            default:
                reader.error("'\(text)' is not a Slack channel: use a channel id (C…) or \"#name\"", at: path.appending("channel"))
                return nil
            }
        }
        let userGroup = map.string("user_group", required: false).flatMap { text -> ChatAddress? in
            if case .userGroup? = ChatAddress(parsing: text) { return ChatAddress(parsing: text) }
            reader.error(
                "'\(text)' is not a Slack user-group id (S…): the bot keeps the group's members in sync, which needs its id",
                at: path.appending("user_group")
            )
            return nil
        }
        let source: Rotation.Source?
        var fallback: [String] = []
        if map.values["pagerduty_schedule"] != nil {
            for key in Self.planKeys where map.values[key] != nil {
                reader.error(
                    "a rotation with pagerduty_schedule takes its shifts from PagerDuty; remove '\(key)' or the schedule",
                    at: path.appending(key)
                )
            }
            source = pagerDutySchedule(map).map { .pagerDuty(scheduleID: $0) }
            if map.values["participants"] != nil {
                var named = References()
                named.participants = participants(map)
                references.append(named)
                fallback = named.participants.map(\.id)
            }
        } else {
            source = plan(map, zone: zone).map { .plan($0) }
        }
        guard let id, let name, let zone, let source else { return nil }
        var rotation = Rotation(id: id, name: name, timeZone: zone, source: source, channel: channel, userGroup: userGroup)
        rotation.pagerDutyFallback = fallback
        return rotation
    }

    private func timeZone(_ map: MappingReader) -> TimeZone? {
        guard let identifier = map.string("timezone") else { return nil }
        if let zone = TimeZone(identifier: identifier) { return zone }
        var message = "'\(identifier)' is not a time zone"
        if let suggestion = closestWord(to: identifier, in: TimeZone.knownTimeZoneIdentifiers) {
            message += " (did you mean '\(suggestion)'?)"
        } else {
            message += "; use an IANA identifier like Europe/London or America/New_York"
        }
        reader.error(message, at: map.path.appending("timezone"))
        return nil
    }

    private func pagerDutySchedule(_ map: MappingReader) -> String? {
        guard let id = map.string("pagerduty_schedule") else { return nil }
        guard id.count <= 20, id.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
            reader.error(
                "'\(id)' is not a PagerDuty schedule id: copy it from the schedule's address (…/schedules/PABC123)",
                at: map.path.appending("pagerduty_schedule")
            )
            return nil
        }
        return id
    }

    // MARK: Shifts kept in the file

    private func plan(_ map: MappingReader, zone: TimeZone?) -> ShiftPlan? {
        var named = References()
        defer { references.append(named) }
        let length = shiftLength(map)
        let time = map.string("handoff").flatMap { text -> HandoffTime? in
            guard let time = HandoffTime(parsing: text) else {
                reader.error("'\(text)' is not a time of day; write it as HH:MM on the 24-hour clock, 00:00 to 23:59", at: map.path.appending("handoff"))
                return nil
            }
            return time
        }
        let weekday = weekday(map, length: length)
        let start = map.date("start")
        if let start, let weekday, start.weekday != weekday {
            let before = (1...6).map { start.adding(days: -$0) }.first { $0.weekday == weekday }!
            let after = before.adding(days: 7)
            reader.error(
                "\(start) is a \(start.weekday.name), but the handoffs are on \(weekday.name)s: start on \(before) or \(after)",
                at: map.path.appending("start")
            )
        }
        named.start = start.map { ($0, map.path.appending("start")) }
        named.participants = participants(map)
        let participants = named.participants.map(\.id)
        let overrides = map.sequence("overrides").compactMap { item -> RotationOverride? in
            let override = override(item.node, item.path, zone: zone)
            let written = item.node.mapping?.first { $0.key.scalar?.string == "contact" }?.value.scalar?.string
            if let contact = override?.contact ?? written?.trimmingWhitespace(), !contact.isEmpty {
                named.overrideContacts.append((contact, item.path.appending("contact")))
            }
            return override
        }
        guard let length, var handoff = time, let start, !participants.isEmpty else { return nil }
        if case .weeks = length {
            guard let weekday, start.weekday == weekday else { return nil }
        }
        handoff.weekday = weekday
        return ShiftPlan(shiftLength: length, handoff: handoff, start: start, participants: participants, overrides: overrides)
    }

    /// The participants with where each is written; a single id is a list of one.
    private func participants(_ map: MappingReader) -> [(id: String, path: FieldPath)] {
        let path = map.path.appending("participants")
        guard let node = map.node("participants", required: true) else { return [] }
        if case .scalar = node { return reader.string(node, at: path).map { [($0, path)] } ?? [] }
        let items = reader.sequence(node, at: path)
        if items.isEmpty, case .sequence = node {
            reader.error("must list at least one item", at: path, mark: node.mark)
        }
        return items.compactMap { item in reader.string(item.node, at: item.path).map { ($0, item.path) } }
    }

    private func shiftLength(_ map: MappingReader) -> ShiftLength? {
        guard let text = map.string("shift") else { return nil }
        let path = map.path.appending("shift")
        guard let length = ShiftLength(parsing: text) else {
            reader.error("'\(text)' is not a shift length; write one number and unit: 1w, 3d or 8h", at: path)
            return nil
        }
        if case .hours(let hours) = length, 24 % hours != 0 {
            reader.error(
                "hourly shifts must divide the day (1h, 2h, 3h, 4h, 6h, 8h, 12h or 24h), so every day hands off at the same local times",
                at: path
            )
            return nil
        }
        return length
    }

    /// Weekly shifts need the day of the handoff; other lengths must not name one.
    private func weekday(_ map: MappingReader, length: ShiftLength?) -> Weekday? {
        let isWeekly = if case .weeks? = length { true } else { false }
        if !isWeekly, map.values["weekday"] != nil {
            if let length {
                reader.error("weekday is only for weekly shifts (shift: 1w, 2w, …); \(length) shifts hand off at the same time every day", at: map.path.appending("weekday"))
            }
            return nil
        }
        guard isWeekly else { return nil }
        guard map.values["weekday"] != nil else {
            reader.error("missing required field 'weekday': weekly shifts hand off on one day of the week", at: map.path.appending("weekday"), mark: map.mark)
            return nil
        }
        return map.choice("weekday", as: Weekday.self)
    }

    private func override(_ node: Node, _ path: FieldPath, zone: TimeZone?) -> RotationOverride? {
        guard let map = reader.mapping(node, at: path, allowedKeys: ["contact", "from", "to"]) else { return nil }
        let contact = map.string("contact")
        let from = localDateTime(map, "from")
        let to = localDateTime(map, "to")
        guard let contact, let from, let to else { return nil }
        // Compared as instants where the zone is known: a span that lies wholly in a
        // spring-forward gap is empty, though its wall-clock times differ.
        let isEmpty = zone.map { from.instant(in: $0) >= to.instant(in: $0) } ?? (from >= to)
        if isEmpty {
            reader.error("the override must end after it starts (from \(from), to \(to))", at: path.appending("to"))
            return nil
        }
        return RotationOverride(contact: contact, from: from, to: to)
    }

    private func localDateTime(_ map: MappingReader, _ key: String) -> LocalDateTime? {
        guard let text = map.string(key) else { return nil }
        guard let time = LocalDateTime(parsing: text) else {
            reader.error("'\(text)' is not a local date and time; write it as YYYY-MM-DD HH:MM", at: map.path.appending(key))
            return nil
        }
        return time
    }
}
