import Foundation

/// Where each procedure step starts in a runbook file, so a postmortem's follow-ups can
/// point at the line to edit. Read from the file's text (`- id:` of a procedure, then its
/// `- title:` steps in order); a file laid out otherwise just gives fewer lines.
public enum StepLines {
    /// `"<procedure id>#<step number>"` → 1-based line number.
    public static func scan(_ text: String) -> [String: Int] {
        var lines: [String: Int] = [:]
        var procedure: String?
        var step = 0
        var inProcedures = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().prefix(200_000) {
            let line = raw.drop { $0 == " " }
            if !raw.hasPrefix(" "), !raw.hasPrefix("-"), let key = raw.split(separator: ":").first, !raw.hasPrefix("#") {
                inProcedures = key == "procedures"
                procedure = nil
                continue
            }
            guard inProcedures else { continue }
            if line.hasPrefix("- id:") {
                procedure = value(line.dropFirst("- id:".count))
                step = 0
            } else if line.hasPrefix("- title:"), let procedure {
                step += 1
                lines["\(procedure)#\(step)"] = index + 1
            }
        }
        return lines
    }

    private static func value(_ text: Substring) -> String {
        text.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
    }
}
