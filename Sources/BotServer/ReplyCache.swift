import Atomics
import NIOCore

/// Rendered replies by answer identity. The runbooks do not change while loaded, so the
/// same answer always renders to the same bytes; search still runs for every request.
///
/// Reads take no lock: the cache is an immutable snapshot swapped atomically when a new
/// reply is added (rare once warm), so the event-loop threads never wait on each other.
/// Answers that echo the query (no match) make identities unbounded, hence the capacity;
/// adding copies the snapshot, which the capacity also keeps cheap.
final class ReplyCache<Key: Hashable & Sendable>: Sendable {
    private final class Snapshot: AtomicReference, Sendable {
        let replies: [Key: ByteBuffer]

        init(_ replies: [Key: ByteBuffer]) {
            self.replies = replies
        }
    }

    private let current = ManagedAtomic(Snapshot([:]))
    private let capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    func reply(for key: Key, render: () -> ByteBuffer) -> ByteBuffer {
        if let cached = current.load(ordering: .acquiring).replies[key] { return cached }
        let rendered = render()
        var snapshot = current.load(ordering: .acquiring)
        while true {
            // Full: start over rather than track recency; the working set refills at once.
            var replies = snapshot.replies.count >= capacity ? [:] : snapshot.replies
            replies[key] = rendered
            let (exchanged, original) = current.compareExchange(
                expected: snapshot, desired: Snapshot(replies), ordering: .acquiringAndReleasing
            )
            if exchanged { return rendered }
            snapshot = original
        }
    }
}
