import Foundation
import Incidents

/// When each incident's escalation committed, read from the replicas' logs: the scheduler
/// logs `scheduler: fired … incident=INC-n` as soon as the transaction that fired it has
/// committed, and every line starts with its time in milliseconds
/// (`2026-11-30T03:14:49.735Z info …`). The first line per incident counts.
enum FiredLines {
    static func read(_ paths: [String]) throws -> [String: Timestamp] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var fired: [String: Timestamp] = [:]
        for path in paths {
            for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") where line.contains("scheduler: fired") {
                guard let space = line.firstIndex(of: " "), let date = formatter.date(from: String(line[..<space])),
                      let range = line.range(of: "incident=") else { continue }
                let id = String(line[range.upperBound...].prefix { $0 != " " })
                let at = Timestamp(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
                if fired[id].map({ at < $0 }) ?? true { fired[id] = at }
            }
        }
        return fired
    }
}
