import Foundation
import Logging
import PostgresNIO

/// `postgres://user:password@host:port/database`, read once at start-up. Its description
/// never shows the password, so the URL can be logged.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// `sslmode=disable` turns TLS off; otherwise TLS is used when the server offers it.
    public var requiresNoTLS: Bool

    public static let defaultPort = 5432

    public init(host: String, port: Int = Self.defaultPort, username: String, password: String?, database: String, requiresNoTLS: Bool = false) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.requiresNoTLS = requiresNoTLS
    }

    /// Parses the URL; the error names what is wrong and never repeats the password.
    public init(parsing text: String) throws(DatabaseURLError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme else {
            throw .malformed("not a URL; expected postgres://user:password@host:port/database")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw .malformed("the scheme is '\(scheme)'; expected postgres://")
        }
        guard let host = components.host, !host.isEmpty else { throw .malformed("the host is missing") }
        guard let user = components.user, !user.isEmpty else { throw .malformed("the user name is missing") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw .malformed("the database name is missing") }
        if let port = components.port, !(1...65_535).contains(port) { throw .malformed("the port is out of range") }
        var noTLS = false
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"): noTLS = true
            case ("sslmode", "prefer"), ("sslmode", "require"): noTLS = false
            default: throw .malformed("unknown parameter '\(item.name)'; only sslmode=disable|prefer|require is understood")
            }
        }
        self.init(
            host: host, port: components.port ?? Self.defaultPort,
            username: components.user.flatMap { $0.removingPercentEncoding } ?? user,
            password: components.password.flatMap { $0.removingPercentEncoding ?? $0 },
            database: database.removingPercentEncoding ?? database, requiresNoTLS: noTLS
        )
    }

    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }

    /// The client configuration; `searchPath` puts the tables in a schema of their own.
    public func clientConfiguration(searchPath: String? = nil) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: requiresNoTLS ? .disable : .prefer(.makeClientConfiguration())
        )
        if let searchPath { configuration.options.additionalStartupParameters = [("search_path", searchPath)] }
        return configuration
    }
}

public struct DatabaseURLError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String

    static func malformed(_ reason: String) -> Self { Self(reason: reason) }

    public var description: String { "invalid database URL: \(reason)" }
}

extension DatabaseURL {
    /// Opens one connection and closes it: whether the server can be reached, said at once
    /// (the pool behind the store keeps retrying instead, as a long-running replica should).
    public func checkReachable(logger: Logger) async throws {
        let tls: PostgresConnection.Configuration.TLS = requiresNoTLS ? .disable : .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        let configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        try await connection.close()
    }
}
