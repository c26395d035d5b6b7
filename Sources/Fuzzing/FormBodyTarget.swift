import Slack

extension FuzzTarget {
    /// A slash command's signed form body, read as `SlashCommandController` reads it:
    /// `FormBody.decode`, then `SlashCommandPayload(fields:)`.
    public static let formBody = FuzzTarget(name: "form-body") { random in
        var log: [String] = []
        var fields = SlackSamples.slashCommandFields.map { ($0.0, Array($0.1.utf8)) }
        fields[fields.firstIndex { $0.0 == "text" }!].1 = Array(random.pick(SlackSamples.commandTexts).utf8)
        for _ in 0..<random.below(4) {
            let index = random.below(fields.count)
            switch random.below(6) {
            case 0:
                fields[index].1 = Array(Hostile.text(&random, maximum: FuzzLimits.httpBody).utf8)
                log.append("hostile \(fields[index].0)")
            case 1:
                log.append("no \(fields[index].0)")
                fields.remove(at: index)
            case 2:
                fields.append(fields[index])
                log.append("\(fields[index].0) twice")
            case 3:
                fields[index].1 = random.pick(Hostile.invalidUTF8)
                log.append("invalid UTF-8 \(fields[index].0)")
            case 4:
                fields.insert((random.pick(["", "ssl_check", "payload", "%", "a b", "command "]), Array(random.pick(Hostile.punctuation).utf8)), at: index)
                log.append("odd field")
            default:
                let command = fields.firstIndex { $0.0 == "command" } ?? index
                fields[command].1 = Array(random.pick(["runbook", "/", "", "/incident", "//runbook", "/RUNBOOK", "/runbook\n"]).utf8)
                log.append("command changed")
            }
        }
        let escaped = random.chance(3, in: 4)
        if !escaped { log.append("unescaped") }
        var bytes = Documents.form(fields, escaped: escaped)
        if random.chance(1, in: 4) { ByteMutations.mutate(&bytes, limit: FuzzLimits.httpBody, &random, log: &log) }
        if bytes.count > FuzzLimits.httpBody { bytes.removeLast(bytes.count - FuzzLimits.httpBody) }
        return FuzzCase(made: log, input: bytes) { [bytes] in
            guard let fields = try? FormBody.decode(bytes) else { return .rejected }
            // What decodes must encode and decode back to the same fields.
            let again = try? FormBody.decode(Array(FormBody.encode(fields.sorted { $0.key < $1.key }).utf8))
            guard again == fields else { return .violated("form fields do not survive encode and decode") }
            return (try? SlashCommandPayload(fields: fields)) == nil ? .rejected : .accepted
        }
    }
}
