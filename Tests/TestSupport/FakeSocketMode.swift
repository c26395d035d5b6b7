import Foundation
import Synchronization

/// One Socket Mode websocket connection to the fake Slack: what the bot acknowledged on it,
/// and a way to push envelopes down it.
public final class FakeSocketLink: Sendable {
    public let number: Int
    /// Says hello, then never reads again: pings go unanswered, like a dead link.
    public let silent: Bool
    let outgoing: AsyncStream<String>
    private let sink: AsyncStream<String>.Continuation
    private let state = Mutex<(received: [String], connectedAt: Date, closedAt: Date?)>(([], Date(), nil))

    init(number: Int, silent: Bool) {
        self.number = number
        self.silent = silent
        (outgoing, sink) = AsyncStream<String>.makeStream()
    }

    /// Sends a frame to the bot.
    public func send(_ json: String) {
        sink.yield(json)
    }

    /// Text frames the bot sent (acknowledgements).
    public var received: [String] { state.withLock { $0.received } }
    public var connectedAt: Date { state.withLock { $0.connectedAt } }
    public var closedAt: Date? { state.withLock { $0.closedAt } }

    /// The acknowledgements for `envelopeID`, as parsed JSON objects.
    public func acknowledgements(of envelopeID: String) -> [[String: Any]] {
        received.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["envelope_id"] as? String == envelopeID }
    }

    func record(_ text: String) { state.withLock { $0.received.append(text) } }
    func markClosed() {
        state.withLock { $0.closedAt = $0.closedAt ?? Date() }
        sink.finish()
    }
}
