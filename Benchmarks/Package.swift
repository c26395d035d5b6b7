// swift-tools-version:6.1
// Benchmarks live in their own package so the bot's build and test run never pay for them.
import PackageDescription

let package = Package(
    name: "runbook-bot-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "runbook-bot", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "runbook-bench",
            dependencies: [
                .product(name: "RunbookModel", package: "runbook-bot"),
                .product(name: "Slack", package: "runbook-bot"),
                .product(name: "BotServer", package: "runbook-bot"),
                .product(name: "Incidents", package: "runbook-bot"),
                .product(name: "Storage", package: "runbook-bot"),
                .product(name: "PostgresStorage", package: "runbook-bot"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                // A scratch database per replica run, made and dropped by the benchmark.
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // Every decoder of outside input over generated inputs: 0 crashes and a time bound per input.
        .executableTarget(
            name: "runbook-fuzz",
            dependencies: [.product(name: "Fuzzing", package: "runbook-bot")]
        ),
    ]
)
