import Synchronization

/// Ids already handled (events, clicks, envelopes), the oldest forgotten first once
/// `capacity` is reached.
final class SeenEvents: Sendable {
    private struct Window {
        var ids: Set<String> = []
        /// Insertion order, used as a ring: `next` is where the oldest id sits once full.
        var order: [String] = []
        var next = 0
    }

    private let state = Mutex(Window())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// True the first time an id is seen.
    func firstTime(_ id: String) -> Bool {
        state.withLock { window in
            guard window.ids.insert(id).inserted else { return false }
            if window.order.count < capacity {
                window.order.append(id)
            } else {
                window.ids.remove(window.order[window.next])
                window.order[window.next] = id
                window.next = (window.next + 1) % capacity
            }
            return true
        }
    }
}
