import Foundation
import Slack

extension FuzzTarget {
    /// An Events API body, read as `SlackEventsController` reads it: the request, the
    /// mention's text without mentions, the challenge reply.
    public static let eventsAPI = FuzzTarget(name: "events-api") { random in
        var log: [String] = []
        let bytes = Documents.json([SlackSamples.eventCallback, SlackSamples.urlVerification], limit: FuzzLimits.httpBody, &random, log: &log)
        return FuzzCase(made: log, input: bytes) { [bytes] in
            guard let request = try? JSONDecoder().decode(EventsAPIRequest.self, from: Data(bytes)) else { return .rejected }
            if let text = request.event?.text { _ = SlackMarkup.withoutMentions(text) }
            if let challenge = request.challenge {
                guard let reply = try? JSONEncoder().encode(EventsAPIChallengeReply(challenge: challenge)),
                      (try? JSONSerialization.jsonObject(with: reply)) != nil
                else { return .violated("the challenge reply is not JSON") }
            }
            return .accepted
        }
    }
}
