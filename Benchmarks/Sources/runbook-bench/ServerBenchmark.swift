import BotServer
import Foundation
import Hummingbird
import Logging
import RunbookModel

/// Runs the real server with one extra route beside `/slack/commands`: `/slack/fixed`,
/// behind the same signature verification, answering a fixed reply. `run.sh` loads both.
enum ServerBenchmark {
    static func run(configDirectory: String, port: Int, secret: String) async throws {
        let today = CalendarDate(unixSeconds: Int64(Date().timeIntervalSince1970))
        guard let library = RunbookLoader.load(configDirectory: configDirectory, today: today).library else {
            print("sample runbook does not load")
            return
        }
        var logger = Logger(label: "runbook-bench")
        logger.logLevel = .warning
        let fixedReply = ByteBuffer(string: #"{"response_type":"ephemeral","text":"ok"}"#)
        let app = buildApplication(
            configuration: BotConfiguration(host: "127.0.0.1", port: port, signingSecret: secret),
            library: library,
            logger: logger,
            extraSlackRoutes: { slack in
                slack.post("fixed") { _, _ in
                    Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: fixedReply))
                }
            }
        )
        try await app.runService()
    }
}
