/// Everything the server needs to run, read once at the edge (CLI flags and environment).
public struct BotConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var signingSecret: String
    /// Slack sends a few kilobytes at most; anything much larger is not Slack.
    public var maxBodySize: Int
    /// The slash commands answered with runbook lookups.
    public var runbookCommands: Set<String>
    /// The slash commands that run incidents.
    public var incidentCommands: Set<String>
    /// Set when `SLACK_APP_TOKEN` is: Slack is also reached over a Socket Mode websocket.
    public var socketMode: SocketModeConfiguration?

    public init(
        host: String = "127.0.0.1", port: Int = 3000, signingSecret: String, maxBodySize: Int = 64 * 1024,
        runbookCommands: Set<String> = ["/runbook"], incidentCommands: Set<String> = ["/incident"]
    ) {
        self.incidentCommands = incidentCommands
        self.host = host
        self.port = port
        self.signingSecret = signingSecret
        self.maxBodySize = maxBodySize
        self.runbookCommands = runbookCommands
    }
}

public struct SocketModeConfiguration: Sendable {
    /// The app-level token (`xapp-…`, scope `connections:write`).
    public var appToken: String
    public var apiURL: String
    /// How often to ping; a link silent for a whole interval after a ping is replaced.
    public var pingInterval: Duration

    public init(appToken: String, apiURL: String = "https://slack.com/api/", pingInterval: Duration = .seconds(10)) {
        self.appToken = appToken
        self.apiURL = apiURL
        self.pingInterval = pingInterval
    }
}
