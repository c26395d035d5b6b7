import Yams

/// Reads `bot-config/oncall.yaml` in two steps around the runbooks: first its rotations
/// (so runbook contacts can be checked against their ids), then, once every runbook is
/// read, its references to contacts.
enum OnCallLoader {
    static let fileName = "oncall.yaml"

    /// `oncall.yaml` decoded, its references to the runbooks not yet checked.
    struct Document {
        var file: String
        var rotations: [Rotation] = []
        var decoder: OnCallDecoder?
        /// The problem that stopped reading the file, if any.
        var unreadable: Diagnostic?

        /// The rotation names contacts may use; `.unknown` when the file could not be read,
        /// so contacts are not flagged for the file's own error.
        var names: RotationNames {
            if unreadable != nil { return .unknown }
            return .declared(Set(decoder?.declaredIDs.map(\.id) ?? []))
        }
    }

    static func decode(file: String, text: String?) -> Document {
        switch RunbookLoader.parse(file: file, text: text) {
        case .failure(let problem):
            return Document(file: file, unreadable: problem)
        case .success(nil):
            // An empty file declares no rotations.
            return Document(file: file)
        case .success(let root?):
            let decoder = OnCallDecoder(reader: YAMLReader(file: file))
            return Document(file: file, rotations: decoder.decode(root), decoder: decoder)
        }
    }

    /// Every problem in the file, its references to `contacts` checked, in file order.
    static func validate(_ document: Document, contacts: KnownContacts, today: CalendarDate) -> [Diagnostic] {
        if let problem = document.unreadable { return [problem] }
        guard let decoder = document.decoder else { return [] }
        OnCallValidator(decoder: decoder, contacts: contacts, today: today).validate()
        return decoder.reader.diagnostics.sorted { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) }
    }
}

/// What a runbook contact's `rotation:` is checked against.
enum RotationNames {
    /// There is no `oncall.yaml`: a contact naming a rotation cannot be resolved.
    case noFile
    /// `oncall.yaml` could not be read; its own error says so.
    case unknown
    case declared(Set<String>)
}
