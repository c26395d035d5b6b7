import RunbookModel

/// "Test it quarterly: run through procedures in staging, time yourself." What the drill
/// record says is missing: procedures never drilled, drilled too long ago, and steps that
/// took far longer in a drill than the runbook's `watch_for` says. Pure: runbooks and
/// drills in, warnings out.
public enum DrillWarnings {
    /// A drill older than this is "too long ago" (a quarter).
    public static let maxAgeDays = 90

    public static func warnings(library: RunbookLibrary, drills: [ProcedureRun], now: Timestamp, times: TimeFormatter) -> [String] {
        let finished = drills.filter { $0.kind == .drill && $0.finishedAt != nil }
        var warnings: [String] = []
        for runbook in library.runbooks {
            for procedure in runbook.procedures {
                let mine = finished.filter { $0.system == runbook.system.id && $0.procedureID == procedure.id }
                guard let last = mine.max(by: { $0.finishedAt! < $1.finishedAt! }) else {
                    warnings.append("\(runbook.sourceFile): procedure \(procedure.id) has never been drilled: rehearse it with /runbook drill \(procedure.id)")
                    continue
                }
                let days = Int(last.finishedAt!.duration(until: now).components.seconds / 86_400)
                if days > maxAgeDays {
                    warnings.append("\(runbook.sourceFile): procedure \(procedure.id) was last drilled \(days) days ago (\(times.format(last.finishedAt!))): drill it quarterly")
                }
                for slow in RunSummary(last).slowerThanWatched {
                    warnings.append("\(runbook.sourceFile): step \(slow.number) of \(procedure.id) (\(slow.title)) took \(slow.duration.map(TimeFormatter.elapsed) ?? "?") in its last drill (\(last.id)), far longer than its watch_for of \(slow.watchFor.map(TimeFormatter.elapsed) ?? "?")")
                }
            }
        }
        return warnings
    }
}

extension RunDesk {
    /// The drill warnings as of now, from every stored drill (the newest 10,000).
    public func drillWarnings() async throws -> [String] {
        DrillWarnings.warnings(library: library, drills: try await store.drills(limit: 10_000), now: clock.now(), times: times)
    }
}
