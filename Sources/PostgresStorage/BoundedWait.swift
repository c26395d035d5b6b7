import Synchronization

/// Whether `work` finished within `timeout`, on the machine's clock (a stop waits on the
/// network, and a test clock nobody advances must not keep a replica from stopping).
/// Returns at the bound even when `work` never finishes, which a task group, waiting for
/// every child, would not; `work` is then cancelled and left to end on its own.
func finishes(within timeout: Duration, _ work: @escaping @Sendable () async -> Void) async -> Bool {
    let contenders = Mutex<[Task<Void, Never>]>([])
    let finished = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let answer = FirstAnswer(continuation)
        contenders.withLock { tasks in
            tasks = [
                Task { await work(); answer.give(true) },
                Task { try? await Task.sleep(for: timeout); answer.give(false) },
            ]
        }
    }
    contenders.withLock { tasks in tasks.forEach { $0.cancel() } }
    return finished
}

/// Resumes its continuation with the first value given; later values are dropped.
private final class FirstAnswer: Sendable {
    private let continuation: Mutex<CheckedContinuation<Bool, Never>?>

    init(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation = Mutex(continuation)
    }

    func give(_ value: Bool) {
        let waiting = continuation.withLock { continuation in
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: value)
    }
}
