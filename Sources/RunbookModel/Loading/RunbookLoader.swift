// libyaml as Yams builds it (its CYaml module): its events let aliases be counted before
// anything is composed, which Yams' own API cannot do.
import CYaml
import Foundation
import Yams

/// Reads every runbook in `bot-config/runbooks/`, and the rotations in `oncall.yaml` when
/// there is one, and reports all problems at once.
public enum RunbookLoader {
    public struct Result: Sendable {
        /// Nil when any error was found: the bot never serves a half-valid runbook.
        public var library: RunbookLibrary?
        public var diagnostics: [Diagnostic]
        /// `bot.yaml`, or the defaults when there is none.
        public var settings = BotSettings()
    }

    /// Loads `<configDirectory>/runbooks/*.yaml`, `oncall.yaml` and `bot.yaml`.
    public static func load(configDirectory: String, today: CalendarDate) -> Result {
        let directory = (configDirectory as NSString).appendingPathComponent("runbooks")
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return Result(library: nil, diagnostics: [Diagnostic(
                level: .error, file: directory, path: "",
                message: "runbook directory not found; create it and add one <system>.yaml per system"
            )])
        }
        let names = ((try? fileManager.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
        guard !names.isEmpty else {
            return Result(library: nil, diagnostics: [Diagnostic(
                level: .error, file: directory, path: "", message: "no runbooks (*.yaml) found"
            )])
        }
        let documents = names.map { name -> (file: String, text: String?) in
            let path = (directory as NSString).appendingPathComponent(name)
            return (path, fileManager.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) })
        }
        let onCallPath = (configDirectory as NSString).appendingPathComponent(OnCallLoader.fileName)
        let onCall = fileManager.fileExists(atPath: onCallPath)
            ? (file: onCallPath, text: fileManager.contents(atPath: onCallPath).flatMap { String(data: $0, encoding: .utf8) })
            : nil
        var result = load(documents: documents, onCall: onCall, today: today)
        let settingsPath = (configDirectory as NSString).appendingPathComponent("bot.yaml")
        if fileManager.fileExists(atPath: settingsPath) {
            let text = fileManager.contents(atPath: settingsPath).flatMap { String(data: $0, encoding: .utf8) }
            let (settings, problems) = loadSettings(file: settingsPath, text: text)
            result.settings = settings
            result.diagnostics += problems
            if let system = settings.defaultSystem, let library = result.library, library.runbook(system) == nil {
                result.diagnostics.append(Diagnostic(
                    level: .error, file: settingsPath, path: "incidents.default_system",
                    message: "refers to unknown system '\(system)' (known: \(library.runbooks.map(\.system.id).joined(separator: ", ")))"
                ))
            }
            if result.diagnostics.hasErrors { result.library = nil }
        }
        return result
    }

    /// Reads `bot.yaml`; problems are reported like a runbook's.
    public static func loadSettings(file: String, text: String?) -> (BotSettings, [Diagnostic]) {
        switch parse(file: file, text: text) {
        case .failure(let problem): return (BotSettings(), [problem])
        case .success(nil): return (BotSettings(), [])
        case .success(let root?):
            let reader = YAMLReader(file: file)
            let settings = BotSettings.decode(root, reader: reader)
            return (settings, reader.diagnostics)
        }
    }

    /// The document's root node (nil for an empty file), or the one problem that stops reading it.
    static func parse(file: String, text: String?) -> Swift.Result<Node?, Diagnostic> {
        func problem(_ message: String, line: Int? = nil, column: Int? = nil) -> Swift.Result<Node?, Diagnostic> {
            .failure(Diagnostic(level: .error, file: file, line: line, column: column, path: "", message: message))
        }
        guard let text else { return problem("not readable as UTF-8 text") }
        do {
            if text.utf8.contains(UInt8(ascii: "*")), aliasedValues(in: text) > maximumAliasedValues {
                return problem("aliases repeat more than \(maximumAliasedValues) values; write the values out instead of nesting anchors")
            }
            return .success(try Yams.compose(yaml: text))
        } catch let error as YamlError {
            return problem(error.summary.message, line: error.summary.mark?.line, column: error.summary.mark?.column)
        } catch {
            return problem("not valid YAML: \(error)")
        }
    }

    /// Aliases may repeat this many values in all: far more than any runbook needs, far fewer
    /// than the billions a few lines of nested anchors stand for.
    static let maximumAliasedValues = 10_000

    /// How many values the document's aliases repeat, counted from libyaml's events.
    ///
    /// Yams resolves an alias to the anchored node itself, so composing a "billion laughs" is
    /// cheap, but it hashes each mapping key in full to find duplicates, and the decoder reads
    /// an alias's value every time it is used: an alias bomb as a key ran for minutes. The
    /// events are read once, each alias adding the size of what it names, and counting stops
    /// past the limit: linear in the document, whatever its aliases stand for. A syntax error
    /// ends the count where it is; composing the document reports it.
    private static func aliasedValues(in text: String) -> Int {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return 0 }
        defer { yaml_parser_delete(&parser) }
        let cap = maximumAliasedValues + 1
        var anchored: [String: Int] = [:]
        // Values in each list or mapping still open; the document's top level at the bottom.
        var open: [(values: Int, anchor: String?)] = [(0, nil)]
        var repeated = 0
        func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            anchor.map { String(cString: $0) }
        }
        func add(_ values: Int) {
            open[open.count - 1].values = min(cap, open[open.count - 1].values + values)
        }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while repeated < cap {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return repeated }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_ALIAS_EVENT:
                    let values = name(event.data.alias.anchor).flatMap { anchored[$0] } ?? 1
                    repeated = min(cap, repeated + values)
                    add(values)
                case YAML_SCALAR_EVENT:
                    if let anchor = name(event.data.scalar.anchor) { anchored[anchor] = 1 }
                    add(1)
                case YAML_SEQUENCE_START_EVENT:
                    open.append((1, name(event.data.sequence_start.anchor)))
                case YAML_MAPPING_START_EVENT:
                    open.append((1, name(event.data.mapping_start.anchor)))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    let closed = open.removeLast()
                    if let anchor = closed.anchor { anchored[anchor] = closed.values }
                    add(closed.values)
                case YAML_STREAM_END_EVENT:
                    return repeated
                default:
                    break
                }
            }
            return repeated
        }
    }

    /// Loads runbooks from in-memory documents; `text` nil means the file could not be read as UTF-8.
    public static func load(documents: [(file: String, text: String?)], today: CalendarDate) -> Result {
        load(documents: documents, onCall: nil, today: today)
    }

    /// Loads runbooks and, when given, the rotations of `oncall.yaml` from in-memory documents.
    /// The two refer to each other: contacts name rotations, rotations name contacts.
    public static func load(
        documents: [(file: String, text: String?)], onCall: (file: String, text: String?)?, today: CalendarDate
    ) -> Result {
        let onCallDocument = onCall.map { OnCallLoader.decode(file: $0.file, text: $0.text) }
        var runbooks: [Runbook] = []
        var diagnostics: [Diagnostic] = []
        var systemFiles: [String: String] = [:]
        var contacts = KnownContacts()
        for document in documents {
            let (runbook, problems, contactIDs) = loadDocument(
                file: document.file, text: document.text, today: today, rotations: onCallDocument?.names ?? .noFile
            )
            diagnostics += problems
            contacts.ids.formUnion(contactIDs)
            guard let runbook else { continue }
            contacts.rotationContacts.formUnion(runbook.contacts.filter { $0.rotation != nil }.map(\.id))
            if let other = systemFiles[runbook.system.id] {
                diagnostics.append(Diagnostic(
                    level: .error, file: document.file, path: "system.id",
                    message: "system id '\(runbook.system.id)' is already used by \(other)"
                ))
                continue
            }
            systemFiles[runbook.system.id] = document.file
            runbooks.append(runbook)
        }
        if let onCallDocument {
            diagnostics += OnCallLoader.validate(onCallDocument, contacts: contacts, today: today)
        }
        let library = diagnostics.hasErrors
            ? nil : RunbookLibrary(runbooks: runbooks, rotations: onCallDocument?.rotations ?? [])
        return Result(library: library, diagnostics: diagnostics)
    }

    /// One runbook, its problems, and the contact ids it declares (even when it has errors).
    static func loadDocument(
        file: String, text: String?, today: CalendarDate, rotations: RotationNames
    ) -> (Runbook?, [Diagnostic], contactIDs: [String]) {
        let root: Node
        switch parse(file: file, text: text) {
        case .failure(let problem): return (nil, [problem], [])
        case .success(nil): return (nil, [Diagnostic(level: .error, file: file, path: "", message: "the file is empty")], [])
        case .success(let node?): root = node
        }
        let reader = YAMLReader(file: file)
        let decoder = RunbookDecoder(reader: reader)
        let runbook = decoder.decode(root)
        if let runbook {
            RunbookValidator(runbook: runbook, decoder: decoder, today: today, rotations: rotations).validate()
        }
        let diagnostics = reader.diagnostics.sorted { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) }
        let contactIDs = (decoder.declaredIDs["contacts"] ?? []).map(\.id)
        return (diagnostics.hasErrors ? nil : runbook, diagnostics, contactIDs)
    }
}

extension YamlError {
    /// A one-line message and position, instead of Yams' multi-line dump of the document.
    var summary: (message: String, mark: Mark?) {
        switch self {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text), " } ?? ""
            return ("YAML syntax error: \(prefix)\(problem)", mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ("duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one mapping", context.mark)
        case .reader(let problem, _, _, _):
            return ("YAML reader error: \(problem)", nil)
        default:
            return ("not valid YAML: \(self)", nil)
        }
    }
}
