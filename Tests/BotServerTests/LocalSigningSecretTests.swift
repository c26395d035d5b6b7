import BotServer
import Foundation
import Testing

struct LocalSigningSecretTests {
    @Test func createsAnOwnerOnlySecretOnceAndReusesIt() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("runbook-bot-secret-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }

        #expect(try LocalSigningSecret.read(dataDirectory: directory) == nil)
        let first = try LocalSigningSecret.loadOrCreate(dataDirectory: directory)
        #expect(first.created)
        #expect(first.secret.count == 64)

        let path = LocalSigningSecret.path(dataDirectory: directory)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let directoryMode = try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? NSNumber
        #expect(directoryMode?.intValue == 0o700)
        // Nothing is left behind from the atomic write.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [LocalSigningSecret.fileName])

        let second = try LocalSigningSecret.loadOrCreate(dataDirectory: directory)
        #expect(!second.created)
        #expect(second.secret == first.secret)
        #expect(try LocalSigningSecret.read(dataDirectory: directory) == first.secret)
    }
}
