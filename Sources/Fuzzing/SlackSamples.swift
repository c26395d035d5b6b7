/// Valid Slack payloads of each shape the bot reads, as Slack documents and sends them;
/// the structured mutations start from these.
enum SlackSamples {
    static let slashCommandFields: [(String, String)] = [
        ("token", "gIkuvaNzQIHg97ATvDxqgjtO"), ("team_id", "T0001"), ("team_domain", "example"),
        ("enterprise_id", "E0001"), ("channel_id", "C2147483705"), ("channel_name", "incidents"),
        ("user_id", "U2147483697"), ("user_name", "Steve"), ("command", "/runbook"), ("text", "lambda timeout"),
        ("api_app_id", "A123456"), ("is_enterprise_install", "false"),
        ("response_url", "https://hooks.slack.com/commands/1234/5678"), ("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
    ]

    static let commandTexts = [
        "timeout", "Task timed out after 900.00 seconds", "share dynamodb throttled", "list", "escalation",
        "overview invoice-pipeline", "declare sev1 invoices are stuck", "ack INC-12", "resolve 3 fixed", "",
    ]

    static var slashCommandJSON: JSONValue {
        .object(slashCommandFields.map { ($0.0, .string($0.1)) })
    }

    static let blockActions: JSONValue = .object([
        ("type", .string("block_actions")),
        ("user", .object([("id", .string("U0CA5")), ("username", .string("amy")), ("team_id", .string("T3MDE"))])),
        ("api_app_id", .string("A0CA5")),
        ("container", .object([("type", .string("message")), ("message_ts", .string("1548261231.000200")), ("channel_id", .string("C0CA5"))])),
        ("channel", .object([("id", .string("C0CA5")), ("name", .string("incidents"))])),
        ("response_url", .string("https://hooks.slack.com/actions/T0CA5/1/abc")),
        ("actions", .array([
            .object([
                ("action_id", .string("incident_acknowledge")), ("block_id", .string("b1")), ("value", .string("INC-12@3")),
                ("type", .string("button")), ("action_ts", .string("1548426417.840180")),
            ]),
            .object([
                ("action_id", .string("runbook_share")), ("value", .string("lambda-timeout")), ("action_ts", .string("1548426417.840181")),
            ]),
        ])),
    ])

    static let eventCallback: JSONValue = .object([
        ("token", .string("XXYYZZ")), ("team_id", .string("T123ABC456")), ("api_app_id", .string("A123ABC456")),
        ("event", .object([
            ("type", .string("app_mention")), ("user", .string("U061F7AUR")),
            ("text", .string("<@U0LAN0Z89> ConditionalCheckFailedException in <#C1|invoices>")),
            ("ts", .string("1515449522.000016")), ("channel", .string("C123ABC456")), ("thread_ts", .string("1515449522.000010")),
            ("event_ts", .string("1515449522000016")),
        ])),
        ("type", .string("event_callback")), ("event_id", .string("Ev123ABC456")), ("event_time", .number("1515449522")),
    ])

    static let urlVerification: JSONValue = .object([
        ("token", .string("Jhj5dZrVaK7ZwHHjRyZWjbDl")),
        ("challenge", .string("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")),
        ("type", .string("url_verification")),
    ])

    static func envelope(type: String, payload: JSONValue?) -> JSONValue {
        var members: [(String, JSONValue)] = [("envelope_id", .string("57d6a792-4d35-4d0b-b6aa-3361493e1caf")), ("type", .string(type))]
        if let payload { members.append(("payload", payload)) }
        members += [("accepts_response_payload", .bool(type == "slash_commands")), ("retry_attempt", .number("0")),
                    ("retry_reason", .string(""))]
        return .object(members)
    }

    static let socketModeEnvelopes: [JSONValue] = [
        envelope(type: "slash_commands", payload: slashCommandJSON),
        envelope(type: "interactive", payload: blockActions),
        envelope(type: "events_api", payload: eventCallback),
        .object([("type", .string("hello")), ("num_connections", .number("1")),
                 ("debug_info", .object([("host", .string("applink-1")), ("approximate_connection_time", .number("18060"))]))]),
        .object([("type", .string("disconnect")), ("reason", .string("refresh_requested"))]),
    ]

    static let webAPIAnswers: [JSONValue] = [
        .object([("ok", .bool(true)), ("channel", .string("C123ABC456")), ("ts", .string("1503435956.000247"))]),
        .object([("ok", .bool(true)), ("users", .array([.string("U060R4BJ4"), .string("W123A4BC5")]))]),
        .object([("ok", .bool(true)), ("url", .string("wss://wss-primary.slack.com/link/?ticket=1234"))]),
        .object([("ok", .bool(false)), ("error", .string("ratelimited"))]),
        .object([("ok", .bool(false)), ("error", .string("channel_not_found"))]),
        .object([("ok", .bool(false)), ("error", .string("invalid_auth")), ("warning", .string("missing_charset"))]),
    ]
}
