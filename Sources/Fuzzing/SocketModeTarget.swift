import Foundation
import Slack

extension FuzzTarget {
    /// A Socket Mode text frame, read as `EnvelopeDispatcher` reads it, and the
    /// acknowledgement built for it.
    public static let socketMode = FuzzTarget(name: "socket-mode") { random in
        var log: [String] = []
        let bytes = Documents.json(SlackSamples.socketModeEnvelopes, limit: FuzzLimits.socketModeMessage, &random, log: &log)
        // A websocket text frame arrives as a String; invalid UTF-8 is repaired on the way.
        let text = String(decoding: bytes, as: UTF8.self)
        return FuzzCase(made: log, input: bytes) {
            guard let envelope = SocketModeEnvelope.decode(text) else { return .rejected }
            if let id = envelope.envelopeID {
                // Slack must be able to read the acknowledgement, whatever the id holds.
                for payload in [nil, Array(#"{"text":"ok"}"#.utf8)] {
                    let ack = SocketModeEnvelope.acknowledgement(id, payload: payload)
                    // Read back with JSONDecoder: JSONSerialization drops a byte-order mark
                    // at the start of a string, which would make a correct answer look wrong.
                    guard let read = try? JSONDecoder().decode(Acknowledgement.self, from: Data(ack.utf8)), read.envelope_id == id
                    else { return .violated("the acknowledgement does not carry the envelope id as JSON") }
                }
            }
            return .accepted
        }
    }
}

/// What Slack reads from an acknowledgement.
private struct Acknowledgement: Decodable {
    var envelope_id: String
}
