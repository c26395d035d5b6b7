import Foundation
import Yams

/// How the bot behaves, from `bot-config/bot.yaml`. Every field is optional; a missing
/// file means the defaults: UTC, no status channels, no reminders, anyone may do anything.
public struct BotSettings: Sendable, Equatable {
    /// Time zone identifier for times shown in chat, e.g. `Europe/Berlin`.
    public var timeZone: String = "UTC"
    /// Channels that get every status update and resolution, as Slack channel ids.
    public var statusChannels: [String] = []
    /// The system whose escalation chain an incident uses when its text matches no runbook.
    public var defaultSystem: String?
    /// Remind an open incident's thread after this long without an update, by severity
    /// (`critical`, `sev1` … `sev4`).
    public var reminders: [String: RunbookDuration] = [:]
    public var permissions = Permissions()

    public init() {}

    public struct Permissions: Sendable, Equatable {
        /// Slack user ids allowed to declare; empty means anyone.
        public var declare: [String] = []
        public var escalate: [String] = []
        public var resolve: [String] = []
        /// Channel ids where incidents may be declared; empty means any.
        public var declareChannels: [String] = []

        public init() {}
    }

    public static let severityKeys = ["critical", "sev1", "sev2", "sev3", "sev4"]

    static func decode(_ root: Node, reader: YAMLReader) -> BotSettings {
        var settings = BotSettings()
        guard let top = reader.mapping(root, at: .root, allowedKeys: ["timezone", "incidents", "permissions"]) else {
            return settings
        }
        if let zone = top.string("timezone", required: false) {
            if TimeZone(identifier: zone) == nil {
                reader.error("'\(zone)' is not a time zone; use an identifier like UTC or Europe/Berlin", at: top.path.appending("timezone"))
            } else {
                settings.timeZone = zone
            }
        }
        if let incidents = top.mapping("incidents", required: false, allowedKeys: ["status_channels", "default_system", "reminders"]) {
            settings.statusChannels = incidents.strings("status_channels")
            settings.defaultSystem = incidents.string("default_system", required: false)
            if let reminders = incidents.mapping("reminders", required: false, allowedKeys: severityKeys) {
                for key in severityKeys {
                    if let duration = reminders.duration(key, required: false) { settings.reminders[key] = duration }
                }
            }
        }
        if let permissions = top.mapping("permissions", required: false, allowedKeys: ["declare", "escalate", "resolve", "declare_channels"]) {
            settings.permissions.declare = permissions.strings("declare")
            settings.permissions.escalate = permissions.strings("escalate")
            settings.permissions.resolve = permissions.strings("resolve")
            settings.permissions.declareChannels = permissions.strings("declare_channels")
        }
        return settings
    }
}
