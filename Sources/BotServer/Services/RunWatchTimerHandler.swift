import Incidents

/// A run's watch ran out: the run desk asks in the thread whether the expectation holds.
struct RunWatchTimerHandler: DurableTimerHandler {
    let runs: RunDesk
    var kind: String { ProcedureRun.watchTimerKind }

    func fire(_ timer: DurableTimer, at now: Timestamp) async throws {
        try await runs.watchRanOut(timer.payload)
    }
}
