import RunbookModel

/// Why the desk did not do what was asked. Nothing changed in any of these cases; each
/// chat renders the card as it renders any other.
public enum DeskRefusal: Error, Equatable, Sendable {
    case notAllowed(Permission)
    /// The incident belongs to another channel; it is acted on there (or by an admin).
    case belongsElsewhere(id: String, channel: String)
    /// Published text must not name people or channels: the page is public.
    case notPublishable(reason: String)
    case notADeclareChannel(allowed: [String])
    case noSuchIncident(String)
    case noOpenIncidentHere
    /// The channel's open incidents, as "INC-1 (title)".
    case severalOpenIncidentsHere([String])
    case noChainToRun(text: String)
    case illegalMove(IncidentError)
    case storeFailed(String)
    /// The incident's stored record cannot be read; it has been set aside.
    case damaged(id: String)
    /// The command could not be read: the help, with what was wrong.
    case usage(problem: String)
    /// A procedure run or drill could not do what was asked; the text says why.
    case run(String)

    /// What the refusal says.
    public var message: Card.Text {
        switch self {
        case .notAllowed(let permission):
            "You are not allowed to \(permission.doing) (bot.yaml permissions). Nothing changed."
        case .belongsElsewhere(let id, let channel):
            "\(id) belongs to \(mention: .channel(id: channel)): act on it there, or ask an admin (bot.yaml permissions.admins). Nothing changed."
        case .notPublishable(let reason):
            "Not published: \(reason); the status page is public. Nothing changed."
        case .notADeclareChannel(let allowed):
            "Incidents cannot be declared in this channel. Declare in: \(allowed.map { Card.Text("\(mention: .channel(id: $0))") }.joined(separator: ", "))."
        case .noSuchIncident(let id):
            "There is no incident \(id). See /incident list."
        case .noOpenIncidentHere:
            "There is no open incident in this channel: give its id, e.g. /incident show INC-1 (see /incident list)."
        case .severalOpenIncidentsHere(let open):
            "This channel has \(open.count) open incidents: say which one — \(open.joined(separator: ", "))."
        case .noChainToRun(let text):
            "No runbook matches “\(text)” and bot.yaml names no incidents.default_system, so there is no escalation chain to run."
        case .illegalMove(let error):
            "\(error.description.prefix(1).uppercased())\(error.description.dropFirst()). Nothing changed."
        case .damaged(let id):
            "\(id)'s stored record is damaged and has been set aside (see /incident list and the bot's log). Nothing changed."
        case .storeFailed(let reason):
            "Could not save the change (\(reason)). Nothing changed; try again."
        case .usage(let problem):
            Card.Text(problem)
        case .run(let reason):
            "\(reason.prefix(1).uppercased())\(reason.dropFirst()). Nothing changed."
        }
    }

    /// A short refusal is the card's title; a long one, or one that mentions someone (titles
    /// are plain text), is its body.
    public var card: Card {
        if case .usage(let problem) = self { return IncidentCards.help(problem: problem) }
        let message = message
        let plain = message.spans.allSatisfy { if case .plain = $0 { true } else { false } }
        return plain && message.description.count <= 140
            ? Card(title: message.description)
            : Card(title: "Incident command refused", sections: [Card.Section(nil, [.text(message)])])
    }
}

/// What the permission lists in bot.yaml guard.
public enum Permission: Sendable, Equatable, CaseIterable {
    case declare, acknowledge, update, escalate, resolve, publish

    var doing: String {
        switch self {
        case .declare: "declare incidents"
        case .acknowledge: "acknowledge incidents"
        case .update: "post status updates"
        case .escalate: "escalate"
        case .resolve: "resolve incidents"
        case .publish: "publish to the status page"
        }
    }
}
