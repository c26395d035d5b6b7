// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "runbook-bot",
    // Synchronization's Mutex needs macOS 15.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "runbook-bot", targets: ["runbook-bot"]),
        .library(name: "RunbookModel", targets: ["RunbookModel"]),
        .library(name: "Incidents", targets: ["Incidents"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "PostgresStorage", targets: ["PostgresStorage"]),
        .library(name: "Slack", targets: ["Slack"]),
        .library(name: "PagerDuty", targets: ["PagerDuty"]),
        .library(name: "BotServer", targets: ["BotServer"]),
        .library(name: "Fuzzing", targets: ["Fuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: []),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // The runbook domain: types, YAML loading and validation, search, neutral cards. No transport.
        .target(
            name: "RunbookModel",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // Incidents: the state machine, the escalation planner, the desk, the store protocol,
        // the clock. No transport, no chat markup, no SQL.
        .target(name: "Incidents", dependencies: ["RunbookModel"]),
        // The incident store on SQLite (GRDB), with its migrations.
        .target(
            name: "Storage",
            dependencies: [
                "Incidents",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The incident store on PostgreSQL, for several replicas sharing one database.
        .target(
            name: "PostgresStorage",
            dependencies: [
                "Incidents",
                "Storage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Slack's wire protocol, all of it: signing, payloads, Block Kit and mrkdwn, the Web API.
        .target(
            name: "Slack",
            dependencies: [
                "RunbookModel",
                "Incidents",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // PagerDuty's Events API v2, and its REST API for who is on call.
        .target(
            name: "PagerDuty",
            dependencies: [
                "Incidents",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP listener, the long-running services, and `buildApplication`, which wires everything.
        .target(
            name: "BotServer",
            dependencies: [
                "RunbookModel",
                "Incidents",
                "Storage",
                "PostgresStorage",
                "Slack",
                "PagerDuty",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Templates")]
        ),
        .executableTarget(
            name: "runbook-bot",
            dependencies: [
                "BotServer",
                "Storage",
                "PostgresStorage",
                "RunbookModel",
                "Incidents",
                "Slack",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Generated inputs for every decoder of outside input, and the runner that times them.
        .target(name: "Fuzzing", dependencies: ["RunbookModel", "Incidents", "Slack"]),
        .testTarget(name: "FuzzTests", dependencies: ["Fuzzing", "RunbookModel", "Incidents", "Slack", "BotServer"]),
        .testTarget(name: "RunbookModelTests", dependencies: ["RunbookModel", "TestSupport"]),
        .testTarget(
            name: "IncidentsTests",
            dependencies: ["Incidents", "RunbookModel", "Storage", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage", "PostgresStorage", "Incidents", "RunbookModel", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "SlackTests", dependencies: ["Slack", "RunbookModel", "Incidents", "TestSupport"]),
        // Fakes of what is outside the bot (Slack's Web API, PagerDuty) as real local servers,
        // and the test clock.
        .target(
            name: "TestSupport",
            dependencies: [
                "Incidents",
                "RunbookModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                // A throw-away database per test on the server `TEST_DATABASE_URL` names.
                "PostgresStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        // Runs the built `runbook-bot` binary, as a user would.
        .testTarget(
            name: "CLITests",
            dependencies: ["runbook-bot", "TestSupport", "Storage", "Incidents", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .testTarget(
            name: "BotServerTests",
            dependencies: [
                "TestSupport",
                "BotServer",
                "Slack",
                "Incidents",
                "Storage",
                "PostgresStorage",
                "PagerDuty",
                "RunbookModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
