import Foundation
import Incidents
import Slack

extension FuzzTarget {
    /// A button click: a form whose `payload` field holds JSON, read as
    /// `InteractionsController` reads it, down to the clicks and their card actions.
    public static let interaction = FuzzTarget(name: "interaction") { random in
        var log: [String] = []
        let json = Documents.json([SlackSamples.blockActions], limit: FuzzLimits.httpBody, &random, log: &log)
        var fields: [(String, [UInt8])] = [("payload", json)]
        if random.chance(1, in: 8) {
            fields.insert((random.pick(["payload", "token", "", "ssl_check"]), Array("1".utf8)), at: random.below(2))
            log.append("second field")
        }
        var bytes = Documents.form(fields, escaped: random.chance(7, in: 8))
        if random.chance(1, in: 8) { ByteMutations.mutate(&bytes, limit: FuzzLimits.httpBody, &random, log: &log) }
        if bytes.count > FuzzLimits.httpBody { bytes.removeLast(bytes.count - FuzzLimits.httpBody) }
        return FuzzCase(made: log, input: bytes) { [bytes] in
            guard let fields = try? FormBody.decode(bytes), let payload = fields["payload"],
                  let interaction = try? JSONDecoder().decode(InteractionPayload.self, from: Data(payload.utf8))
            else { return .rejected }
            for click in interaction.clicks {
                _ = CardAction(actionID: click.actionID, value: click.value)
                _ = click.deduplicationKey
            }
            return .accepted
        }
    }
}
