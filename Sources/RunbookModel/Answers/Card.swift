/// An answer laid out for reading, independent of where it is shown. Slack renders it as
/// Block Kit, the terminal as text; both read the same structure.
public struct Card: Sendable {
    public var title: String
    /// One line under the title: what kind of entry, which system.
    public var subtitle: String?
    public var severity: Severity?
    public var sections: [Section]
    /// Small print: where the answer came from, how current it is.
    public var footer: [String]

    public init(title: String, subtitle: String? = nil, severity: Severity? = nil, sections: [Section] = [], footer: [String] = []) {
        self.title = title
        self.subtitle = subtitle
        self.severity = severity
        self.sections = sections
        self.footer = footer
    }

    public struct Section: Sendable {
        public var heading: String?
        public var items: [Item]

        public init(_ heading: String?, _ items: [Item]) {
            self.heading = heading
            self.items = items
        }
    }

    public enum Item: Sendable {
        case text(String)
        /// "Label: value", with the label emphasised.
        case field(String, String)
        case bullet(String)
        /// A numbered step with its own nested items (commands, sub-steps, notes).
        case step(Int, String, [Item])
        /// An exact command to copy.
        case command(String)
        case link(String, url: String)
        /// A follow-up command the reader can type ("/runbook unblock-after-outage").
        case hint(String, command: String)
    }
}

extension Severity {
    public var label: String { rawValue.uppercased() }
}
