import Foundation
import Yams

/// How the bot behaves, from `bot-config/bot.yaml`. Every field is optional; a missing
/// file means the defaults: UTC, no status channels, no reminders, anyone may do anything.
public struct BotSettings: Sendable, Equatable {
    /// Time zone identifier for times shown in chat, e.g. `Europe/Berlin`.
    public var timeZone: String = "UTC"
    /// Channels whose people live elsewhere: on-call answers there use the channel's zone.
    public var channelTimeZones: [String: String] = [:]
    /// Channels that get every status update and resolution, as Slack channel ids.
    public var statusChannels: [String] = []
    /// The system whose escalation chain an incident uses when its text matches no runbook.
    public var defaultSystem: String?
    /// Remind an open incident's thread after this long without an update, by severity.
    public var reminders: [IncidentSeverity: RunbookDuration] = [:]
    public var permissions = Permissions()

    public init() {}

    /// The zone on-call answers in `channel` are shown in.
    public func timeZone(forChannel channel: String) -> String {
        channelTimeZones[channel] ?? timeZone
    }

    public struct Permissions: Sendable, Equatable {
        /// Users (or user groups) who may act on any channel's incident, from anywhere, and
        /// do everything the lists below guard. Empty means nobody: an incident is changed
        /// only from its own channel.
        public var admins: [String] = []
        /// Users or user groups allowed to declare; empty means anyone.
        public var declare: [String] = []
        public var acknowledge: [String] = []
        public var update: [String] = []
        public var escalate: [String] = []
        public var resolve: [String] = []
        /// Who may put text on the public status page.
        public var publish: [String] = []
        /// Channel ids where incidents may be declared; empty means any.
        public var declareChannels: [String] = []

        public init() {}
    }

    static let permissionKeys = ["admins", "declare", "acknowledge", "update", "escalate", "resolve", "publish", "declare_channels"]

    static func decode(_ root: Node, reader: YAMLReader) -> BotSettings {
        var settings = BotSettings()
        guard let top = reader.mapping(root, at: .root, allowedKeys: ["timezone", "channel_timezones", "incidents", "permissions"]) else {
            return settings
        }
        if let zone = top.string("timezone", required: false) {
            if TimeZone(identifier: zone) == nil {
                reader.error("'\(zone)' is not a time zone; use an identifier like UTC or Europe/Berlin", at: top.path.appending("timezone"))
            } else {
                settings.timeZone = zone
            }
        }
        if let zones = top.mapping("channel_timezones", required: false, allowedKeys: nil) {
            for channel in zones.values.keys.sorted() {
                guard let zone = zones.string(channel) else { continue }
                if !Self.isChannelID(channel) {
                    reader.error("'\(channel)' is not a Slack channel id (C…, G…)", at: zones.path.appending(channel))
                } else if TimeZone(identifier: zone) == nil {
                    reader.error("'\(zone)' is not a time zone; use an identifier like UTC or Europe/Berlin", at: zones.path.appending(channel))
                } else {
                    settings.channelTimeZones[channel] = zone
                }
            }
        }
        if let incidents = top.mapping("incidents", required: false, allowedKeys: ["status_channels", "default_system", "reminders"]) {
            settings.statusChannels = incidents.strings("status_channels")
            settings.defaultSystem = incidents.string("default_system", required: false)
            let severities = IncidentSeverity.allCases.map(\.rawValue)
            if let reminders = incidents.mapping("reminders", required: false, allowedKeys: severities) {
                for severity in IncidentSeverity.allCases {
                    if let duration = reminders.duration(severity.rawValue, required: false) { settings.reminders[severity] = duration }
                }
            }
        }
        if let permissions = top.mapping("permissions", required: false, allowedKeys: Self.permissionKeys) {
            settings.permissions.admins = permissions.strings("admins")
            settings.permissions.declare = permissions.strings("declare")
            settings.permissions.acknowledge = permissions.strings("acknowledge")
            settings.permissions.update = permissions.strings("update")
            settings.permissions.publish = permissions.strings("publish")
            settings.permissions.escalate = permissions.strings("escalate")
            settings.permissions.resolve = permissions.strings("resolve")
            settings.permissions.declareChannels = permissions.strings("declare_channels")
        }
        return settings
    }

    /// `C0123INC`: a channel (C…) or private channel (G…) id.
    static func isChannelID(_ text: String) -> Bool {
        guard let first = text.first, "CG".contains(first), (2...24).contains(text.count) else { return false }
        return text.allSatisfy { ($0.isASCII && $0.isUppercase) || ($0.isASCII && $0.isNumber) }
    }
}
