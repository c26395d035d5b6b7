@testable import BotServer
import NIOCore
import Synchronization
import Testing

/// Replies are rendered once per distinct answer and then reused.
struct ReplyCacheTests {
    @Test func eachAnswerIsRenderedOnceAndTheCacheStaysBounded() {
        let cache = ReplyCache<String>(capacity: 2)
        let renders = Mutex(0)
        func reply(_ key: String) -> String {
            String(buffer: cache.reply(for: key) {
                renders.withLock { $0 += 1 }
                return ByteBuffer(string: "reply to \(key)")
            })
        }
        #expect(reply("timeout") == "reply to timeout")
        #expect(reply("timeout") == "reply to timeout")
        #expect(renders.withLock { $0 } == 1, "the second request reuses the first rendering")
        #expect(reply("escalation") == "reply to escalation")
        // Full: a new answer starts the cache over rather than growing it.
        #expect(reply("contacts") == "reply to contacts")
        #expect(reply("timeout") == "reply to timeout")
        #expect(renders.withLock { $0 } == 4)
    }
}
