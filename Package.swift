// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "runbook-bot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "runbook-bot", targets: ["runbook-bot"]),
        .library(name: "RunbookModel", targets: ["RunbookModel"]),
        .library(name: "Slack", targets: ["Slack"]),
        .library(name: "BotServer", targets: ["BotServer"]),
        .library(name: "Incidents", targets: ["Incidents"]),
        .library(name: "Storage", targets: ["Storage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // The runbook domain: types, YAML loading and validation, search. No transport.
        .target(
            name: "RunbookModel",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // Incidents: the state machine, the escalation planner, the store protocol. No transport.
        .target(name: "Incidents", dependencies: ["RunbookModel"]),
        // SQLite (GRDB) implementation of the incident store.
        .target(
            name: "Storage",
            dependencies: ["Incidents", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Slack's wire protocol: request signing, payload decoding, Block Kit rendering.
        .target(
            name: "Slack",
            dependencies: [
                "RunbookModel",
                "Incidents",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The HTTP listener and the wiring of everything (`buildApplication`).
        .target(
            name: "BotServer",
            dependencies: [
                "RunbookModel",
                "Incidents",
                "Storage",
                "Slack",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "runbook-bot",
            dependencies: [
                "BotServer",
                "RunbookModel",
                "Slack",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "RunbookModelTests", dependencies: ["RunbookModel"]),
        .testTarget(name: "IncidentsTests", dependencies: ["Incidents", "RunbookModel"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Incidents", "RunbookModel"]),
        .testTarget(name: "SlackTests", dependencies: ["Slack", "RunbookModel"]),
        // Fakes of the services outside the bot (Slack's Web API, PagerDuty), as real local servers.
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        // Runs the built `runbook-bot` binary, as a user would.
        .testTarget(name: "CLITests", dependencies: ["runbook-bot", "TestSupport"]),
        .testTarget(
            name: "BotServerTests",
            dependencies: [
                "TestSupport",
                "BotServer",
                "Slack",
                "RunbookModel",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
