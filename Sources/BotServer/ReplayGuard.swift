import NIOCore
import Synchronization

/// Signatures of accepted Slack requests, remembered for as long as their timestamp is
/// inside the 5-minute window. A request identical to one already accepted (same
/// timestamp, same body, so the same signature) is a replay: refused before it is handled.
///
/// Kept in memory: every request passes here, and a set lookup costs well under a
/// microsecond where a database write would cost more than the request. Requests that
/// change incidents are also remembered in the store (`HandledOnce`), so a replay after a
/// restart changes nothing either. Bounded: past `capacity` the oldest are forgotten
/// first; only requests that carry a valid signature are ever added.
final class ReplayGuard: Sendable {
    /// The first 128 bits of an HMAC-SHA256: as unique as the whole for this purpose.
    struct Key: Hashable {
        var high: UInt64
        var low: UInt64
    }

    private struct Window {
        var keys: Set<Key> = []
        /// Arrival order: the oldest at the front.
        var order = CircularBuffer<(key: Key, expires: Int64)>()
    }

    private let state = Mutex(Window())
    private let capacity: Int

    init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    /// True the first time this signature is seen; `expires` is when the signature's
    /// timestamp leaves the window (seconds since 1970), `now` the current time.
    func firstTime(signature: String, expires: Int64, now: Int64) -> Bool {
        guard let key = Self.key(signature) else { return true }  // unreachable once verified
        return state.withLock { window in
            // Forget what has left the window, oldest first; a few per call, so no request
            // pays for a long sweep.
            for _ in 0..<4 {
                guard let oldest = window.order.first, oldest.expires < now else { break }
                window.keys.remove(window.order.removeFirst().key)
            }
            guard window.keys.insert(key).inserted else { return false }
            if window.order.count >= capacity { window.keys.remove(window.order.removeFirst().key) }
            window.order.append((key, expires))
            return true
        }
    }

    /// `v0=` followed by 64 hex digits; the first 32 digits as two integers.
    static func key(_ signature: String) -> Key? {
        let utf8 = Array(signature.utf8)
        guard utf8.count >= 35 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in utf8[3..<35].enumerated() {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            if index < 16 { high = high << 4 | digit } else { low = low << 4 | digit }
        }
        return Key(high: high, low: low)
    }
}
