import Foundation
import Slack

/// The signing secret for local mode: when no `SLACK_SIGNING_SECRET` is set, the bot makes
/// its own, keeps it in the data directory readable by the owner only, and still verifies
/// every request with it. `runbook-bot send` signs with the same file.
public enum LocalSigningSecret {
    public static let fileName = "local-signing-secret"

    public enum Failure: Error, CustomStringConvertible {
        case unreadable(path: String)
        case cannotCreate(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path): "cannot read the local signing secret at \(path)"
            case .cannotCreate(let path, let reason): "cannot create the local signing secret at \(path): \(reason)"
            }
        }
    }

    public static func path(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent(fileName)
    }

    /// Reads the secret, or nil when there is none yet.
    public static func read(dataDirectory: String) throws -> String? {
        let path = path(dataDirectory: dataDirectory)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !text.isEmpty
        else { throw Failure.unreadable(path: path) }
        return text
    }

    /// Reads the secret, creating a random one (mode 0600) on first use.
    public static func loadOrCreate(dataDirectory: String) throws -> (secret: String, created: Bool) {
        if let existing = try read(dataDirectory: dataDirectory) {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path(dataDirectory: dataDirectory))
            return (existing, false)
        }
        let path = path(dataDirectory: dataDirectory)
        do {
            try FileManager.default.createDirectory(
                atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw Failure.cannotCreate(path: path, reason: "\(error)")
        }
        var generator = SystemRandomNumberGenerator()
        let secret = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        guard FileManager.default.createFile(
            atPath: path, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600]
        ) else {
            throw Failure.cannotCreate(path: path, reason: "the file could not be written")
        }
        return (secret, true)
    }
}
