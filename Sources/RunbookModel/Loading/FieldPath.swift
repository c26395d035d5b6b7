/// Where a value sits in a YAML document, written the way authors read it:
/// `failure_modes[1].immediate_actions[0].command`.
struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    private(set) var description: String

    static let root = FieldPath(description: "")

    func appending(_ key: String) -> FieldPath {
        FieldPath(description: description.isEmpty ? key : "\(description).\(key)")
    }

    func appending(index: Int) -> FieldPath {
        FieldPath(description: "\(description)[\(index)]")
    }
}
