/// An answer laid out for reading, independent of where it is shown. Slack renders it as
/// Block Kit, the terminal as text; both read the same structure. Text that may mention
/// people is `Card.Text`, so no chat's markup ever lives in a card.
public struct Card: Sendable, Hashable {
    /// Plain text: chats show titles as they are, without mentions or markup.
    public var title: String
    /// One line under the title: what kind of entry, which system.
    public var subtitle: Text?
    public var severity: Severity?
    public var sections: [Section]
    /// Small print: where the answer came from, how current it is.
    public var footer: [String]
    /// Actions the reader can take with one click, where the chat has buttons.
    public var buttons: [Button]
    /// A free-text field whose content comes back with a click on any of the buttons, where
    /// the chat has such fields: a note to go with the action.
    public var noteField: NoteField?

    public init(
        title: String, subtitle: Text? = nil, severity: Severity? = nil, sections: [Section] = [], footer: [String] = [],
        buttons: [Button] = []
    ) {
        self.title = title
        self.subtitle = subtitle
        self.severity = severity
        self.sections = sections
        self.footer = footer
        self.buttons = buttons
    }

    /// A text field sent back, by its `id`, with a button's click.
    public struct NoteField: Sendable, Hashable {
        public var id: String
        public var label: String
        public var placeholder: String

        public init(id: String, label: String, placeholder: String) {
            self.id = id
            self.label = label
            self.placeholder = placeholder
        }
    }

    /// A button: its `action` and `value` come back when it is clicked.
    public struct Button: Sendable, Hashable {
        public enum Style: String, Sendable, Hashable {
            case primary, danger
        }

        public var label: String
        public var action: String
        public var value: String
        public var style: Style?

        public init(_ label: String, action: String, value: String, style: Style? = nil) {
            self.label = label
            self.action = action
            self.value = value
            self.style = style
        }
    }

    public struct Section: Sendable, Hashable {
        public var heading: String?
        public var items: [Item]

        public init(_ heading: String?, _ items: [Item]) {
            self.heading = heading
            self.items = items
        }
    }

    public enum Item: Sendable, Hashable {
        case text(Text)
        /// "Label: value", with the label emphasised.
        case field(String, Text)
        case bullet(Text)
        /// A numbered step with its own nested items (commands, sub-steps, notes).
        case step(Int, Text, [Item])
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
