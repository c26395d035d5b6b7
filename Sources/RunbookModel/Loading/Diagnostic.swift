/// A problem found in `bot-config/`, pointing at the file, line and field to fix.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Level: String, Sendable {
        case error
        case warning
    }

    public var level: Level
    public var file: String
    public var line: Int?
    public var column: Int?
    /// Field path within the file, e.g. `failure_modes[1].detection.logs[0]`.
    public var path: String
    public var message: String

    public init(level: Level, file: String, line: Int? = nil, column: Int? = nil, path: String, message: String) {
        self.level = level
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// `file:line:column: error: path: message`, the shape editors and CI logs link to.
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        let field = path.isEmpty ? "" : "\(path): "
        return "\(location): \(level.rawValue): \(field)\(message)"
    }
}

extension Array where Element == Diagnostic {
    public var errors: [Diagnostic] { filter { $0.level == .error } }
    public var warnings: [Diagnostic] { filter { $0.level == .warning } }
    public var hasErrors: Bool { contains { $0.level == .error } }
}

/// Diagnostics travel as errors where parsing stops at the first problem.
extension Diagnostic: Error {}
