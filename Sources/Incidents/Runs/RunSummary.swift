/// What a finished run (a drill above all) says about itself: time per step and in all,
/// the slowest step, what was skipped and why, which decisions were taken.
public struct RunSummary: Equatable, Sendable {
    public struct StepTime: Equatable, Sendable {
        public var number: Int
        public var title: String
        public var duration: Duration?
        public var outcome: ProcedureRun.Record.Outcome
        /// The step's own `watch_for`, to compare with.
        public var watchFor: Duration?
    }

    public var total: Duration?
    public var steps: [StepTime]
    public var slowest: StepTime?
    /// Skipped steps with their notes.
    public var skipped: [(number: Int, title: String, note: String?)]
    public var decisions: [(number: Int, choice: String)]
    /// Steps that took more than twice their `watch_for`.
    public var slowerThanWatched: [StepTime]

    public init(_ run: ProcedureRun) {
        total = run.finishedAt.map { run.startedAt.duration(until: $0) }
        steps = zip(run.steps, run.records).enumerated().map { index, pair in
            StepTime(
                number: index + 1, title: pair.0.title, duration: pair.1.duration, outcome: pair.1.outcome,
                watchFor: pair.0.watchForSeconds.map { .seconds($0) }
            )
        }
        slowest = steps.filter { $0.duration != nil }.max { $0.duration! < $1.duration! }
        skipped = zip(run.steps, run.records).enumerated().compactMap { index, pair in
            pair.1.outcome == .skipped ? (index + 1, pair.0.title, pair.1.note) : nil
        }
        decisions = run.records.enumerated().compactMap { index, record in record.choice.map { (index + 1, $0) } }
        slowerThanWatched = steps.filter { step in
            guard let duration = step.duration, let watch = step.watchFor, watch > .zero else { return false }
            return duration > watch * 2
        }
    }

    public static func == (lhs: RunSummary, rhs: RunSummary) -> Bool {
        lhs.total == rhs.total && lhs.steps == rhs.steps && lhs.slowest == rhs.slowest
            && lhs.skipped.map(\.number) == rhs.skipped.map(\.number) && lhs.decisions.map(\.choice) == rhs.decisions.map(\.choice)
    }
}
