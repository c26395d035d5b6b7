import Foundation

@main
struct RunbookBench {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let config = value(after: "--config", in: arguments) ?? "../bot-config"
        switch arguments.first {
        case "lookup":
            LookupBenchmark.run(configDirectory: config)
        case "escalation":
            let counts = (value(after: "--incidents", in: arguments) ?? "1000,10000").split(separator: ",").compactMap { Int($0) }
            try await EscalationBenchmark.run(counts: counts)
        case "profile-reply":
            ReplyProfile.run(configDirectory: config)
        case "serve":
            let port = Int(value(after: "--port", in: arguments) ?? "") ?? 3900
            guard let secret = ProcessInfo.processInfo.environment["SLACK_SIGNING_SECRET"] else {
                print("set SLACK_SIGNING_SECRET")
                exit(2)
            }
            try await ServerBenchmark.run(configDirectory: config, port: port, secret: secret)
        default:
            print("usage: runbook-bench lookup [--config DIR] | escalation [--incidents 1000,10000] | profile-reply [--config DIR] | serve [--config DIR] [--port N]")
            exit(2)
        }
    }

    static func value(after flag: String, in arguments: ArraySlice<String>) -> String? {
        guard let index = arguments.firstIndex(of: flag), arguments.index(after: index) < arguments.endIndex else { return nil }
        return arguments[arguments.index(after: index)]
    }
}
