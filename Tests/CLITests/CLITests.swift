import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `runbook-bot` binary as people run it.
@Suite(.serialized)
struct CLITests {
    static let repository: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static var binary: String {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("runbook-bot").path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        return repository.appendingPathComponent(".build/debug/runbook-bot").path
    }

    static var sampleConfig: String { repository.appendingPathComponent("bot-config").path }

    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SLACK_SIGNING_SECRET")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            output: String(decoding: outData, as: UTF8.self),
            errors: String(decoding: errData, as: UTF8.self)
        )
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-bot-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func validateWithTheBotsDataWarnsAboutProceduresNeverDrilled() throws {
        let plain = try Self.run(["validate", "--config", Self.sampleConfig])
        #expect(plain.status == 0)
        #expect(!plain.output.contains("drilled"), "without the bot's data the runbooks alone are checked")
        let data = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let withData = try Self.run(["validate", "--config", Self.sampleConfig, "--data-dir", data])
        #expect(withData.status == 0, "warnings do not fail validation")
        #expect(withData.output.contains("procedure unblock-after-outage has never been drilled: rehearse it with /runbook drill unblock-after-outage"))
        #expect(!FileManager.default.fileExists(atPath: data + "/incidents.sqlite"), "validate creates no database")
    }

    /// A config with two broken runbooks: one that is not YAML, one with a bad key and a bad reference.
    static func brokenConfig() throws -> String {
        let directory = try temporaryDirectory()
        let runbooks = (directory as NSString).appendingPathComponent("runbooks")
        try FileManager.default.createDirectory(atPath: runbooks, withIntermediateDirectories: true)
        let sample = try String(contentsOfFile: sampleConfig + "/runbooks/invoice-pipeline.yaml", encoding: .utf8)
        let badReference = sample
            .replacingOccurrences(of: "    escalate_to: charles\n    procedures:", with: "    escalate_to: charls\n    procedures:")
            .replacingOccurrences(of: "    severity: high\n", with: "    severity: high\n    colour: red\n")
        try badReference.write(toFile: runbooks + "/invoice-pipeline.yaml", atomically: true, encoding: .utf8)
        try "system:\n  id: [unclosed\n".write(toFile: runbooks + "/broken.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func validateAcceptsTheSample() throws {
        let run = try Self.run(["validate", "--config", Self.sampleConfig])
        #expect(run.status == 0)
        #expect(run.output.contains("invoice-pipeline: 2 failure modes, 1 procedures, 4 dependencies, 3 escalation levels, 7 contacts"))
        #expect(run.output.contains("rotation invoice-oncall: 1w shifts, Monday 09:00 Europe/London, from 2026-04-20, 2 participants, 0 overrides"))
        #expect(run.output.contains("0 error(s)"))
    }

    @Test func validateReportsEveryProblemAndFails() throws {
        let config = try Self.brokenConfig()
        defer { try? FileManager.default.removeItem(atPath: config) }
        let run = try Self.run(["validate", "--config", config])
        #expect(run.status == 1)
        #expect(run.output.contains("runbooks/broken.yaml:3:1: error: YAML syntax error"))
        let sample = try String(contentsOfFile: Self.sampleConfig + "/runbooks/invoice-pipeline.yaml", encoding: .utf8)
        let severityLine = try #require(sample.components(separatedBy: "\n").firstIndex(of: "    severity: high")) + 1
        #expect(run.output.contains("runbooks/invoice-pipeline.yaml:\(severityLine + 1):5: error: failure_modes[0].colour: unknown key 'colour'"))
        // The bad reference elsewhere is reported in the same pass.
        #expect(run.output.contains("refers to unknown contact 'charls' (did you mean 'charles'?)"))
        #expect(run.output.contains("3 error(s)"))
    }

    @Test func serveRefusesAnInvalidConfigWithTheSameMessages() throws {
        let config = try Self.brokenConfig()
        defer { try? FileManager.default.removeItem(atPath: config) }
        let run = try Self.run(["serve", "--config", config, "--port", "1", "--data-dir", config + "/data"])
        #expect(run.status == 1)
        #expect(run.errors.contains("runbooks/broken.yaml:3:1: error: YAML syntax error"))
        #expect(run.errors.contains("failure_modes[0].colour: unknown key 'colour'"))
        #expect(!FileManager.default.fileExists(atPath: config + "/data"))
    }

    @Test func lookupAnswersInTheTerminal() throws {
        let run = try Self.run(["lookup", "--config", Self.sampleConfig, "Task timed out after 900.00 seconds"])
        #expect(run.status == 0)
        #expect(run.output.hasPrefix("Lambda timeout (function runs >15 min)\n[HIGH]"))
        let miss = try Self.run(["lookup", "--config", Self.sampleConfig, "kubernetes", "crashloop"])
        #expect(miss.status == 1)
        #expect(miss.output.hasPrefix("Nothing in the runbooks matches “kubernetes crashloop”"))
    }

    @Test func serveInLocalModeAnswersWhatSendSigns() async throws {
        let dataDirectory = try Self.temporaryDirectory() + "/data"
        defer { try? FileManager.default.removeItem(atPath: (dataDirectory as NSString).deletingLastPathComponent) }
        let port = try Self.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.binary)
        server.arguments = ["serve", "--config", Self.sampleConfig, "--port", String(port), "--data-dir", dataDirectory]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "SLACK_SIGNING_SECRET")
        server.environment = environment
        let output = Pipe()
        server.standardOutput = output
        server.standardError = output
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }

        let url = "http://127.0.0.1:\(port)/slack/commands"
        var reply = try Self.run(["send", "/runbook timeout", "--url", url, "--data-dir", dataDirectory])
        for _ in 0..<100 where reply.status != 0 {
            try await Task.sleep(for: .milliseconds(100))
            reply = try Self.run(["send", "/runbook timeout", "--url", url, "--data-dir", dataDirectory])
        }
        #expect(reply.status == 0, "\(reply.errors)")
        #expect(reply.output.contains("only visible to you"))
        #expect(reply.output.contains("Lambda timeout (function runs >15 min)"))
        #expect(reply.output.contains("$ aws logs tail /aws/lambda/invoice-parser"))

        let secretFile = dataDirectory + "/local-signing-secret"
        let permissions = try FileManager.default.attributesOfItem(atPath: secretFile)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o600)

        // Local mode still verifies: a request signed with another secret is refused.
        let forged = try Self.run(["send", "/runbook timeout", "--url", url], environment: ["SLACK_SIGNING_SECRET": "wrong"])
        #expect(forged.status == 1)
        #expect(forged.errors.contains("401"))
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw CocoaError(.fileReadUnknown) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
