import Dispatch

/// Where long query texts are searched: one thread of its own, outside the shared pool
/// that runs the HTTP handlers, the escalation scheduler and the outbox sender. Search work
/// is bounded per query (see `SearchIndex`), but a burst of worst-case requests on a
/// 2-core host would otherwise queue in front of a due escalation; here they queue behind
/// each other. Short texts (nearly every real query) are searched where they arrive: the
/// two thread hops cost more than the search.
final class SearchExecutor: TaskExecutor {
    /// Texts up to this many bytes are searched inline.
    static let inlineLimit = 256

    private let queue = DispatchQueue(label: "runbook-bot.search", qos: .userInitiated)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Runs `work` here when `text` is long, else in place.
    func run<T: Sendable>(for text: String, _ work: @Sendable () async -> T) async -> T {
        guard text.utf8.count > Self.inlineLimit else { return await work() }
        return await withTaskExecutorPreference(self) { await work() }
    }
}
