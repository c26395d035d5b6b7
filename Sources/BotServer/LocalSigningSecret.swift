import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
        do {
            try writeOwnerOnly(Data((secret + "\n").utf8), to: path)
        } catch {
            throw Failure.cannotCreate(path: path, reason: "\(error)")
        }
        return (secret, true)
    }

    /// Writes the file as 0600 from its first byte (never readable by others, not even for an
    /// instant), then renames it into place, so a crash leaves either no secret or a whole one.
    static func writeOwnerOnly(_ data: Data, to path: String) throws {
        let temporary = path + ".\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }
}
