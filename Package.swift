// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // A nonisolated async function runs on its caller's executor instead of hopping to the generic one at entry
    // and after each await. The project has no actors, so where code runs does not change, but each hop is a
    // swift_task_switch that takes the task's status-record lock to find its event-loop executor preference.
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    // Release builds skip the runtime exclusivity checks: with them, every stored-property access of a class (an
    // event loop, a connection) pays a lookup in a thread-local access set. Measured with callgrind
    // (`BENCH_SECTIONS=instructions bench/run 5`, with and without this line), instructions per request:
    // /healthz 20.9k -> 18.1k, GetEndUser 197k -> 191k, ListEndUserConnections 145k -> 139k, CreateEndUserConnection
    // 442k -> 431k. Debug builds, and so the tests, keep the checks.
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "embedded-api",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "embedded-api", targets: ["embedded-api"])],
    dependencies: [
        // CLI subcommands and --help for the operator commands (serve, migrate, organisations, api-keys, credentials).
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Structured logging with metadata; the de-facto standard API, tiny to build.
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // System libraries: headers from libpq-dev, libssl-dev, zlib1g-dev.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // epoll and eventfd, which the Glibc module does not export.
        .systemLibrary(name: "CLinuxEvents"),

        // A pthread-mutex lock that ThreadSanitizer understands (Synchronization.Mutex it cannot see on Linux).
        .target(name: "Locking", swiftSettings: swiftSettings),

        // Pure modules: bytes or values in, values out. No I/O.
        .target(name: "HTTP1", swiftSettings: swiftSettings),
        .target(name: "JSON", swiftSettings: swiftSettings),
        .target(name: "Domain", dependencies: ["JSON"], swiftSettings: swiftSettings),
        // W3C Trace Context: `traceparent`/`tracestate` parsed and made, and the trace of the task's work.
        .target(name: "TraceContext", dependencies: ["HTTP1", "CLinuxEvents"], swiftSettings: swiftSettings),

        // Edges to the operating system and C libraries.
        .target(
            name: "HTTPServer",
            dependencies: [
                "HTTP1", "Locking", "CZlib", "CLinuxEvents", "TraceContext", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "Postgres", dependencies: ["CLibPQ", "CLinuxEvents", "Locking"], swiftSettings: swiftSettings),
        .target(name: "Cryptography", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        .target(name: "HTTPClient", dependencies: ["HTTP1", "COpenSSL", "Cryptography", "Locking", "TraceContext"], swiftSettings: swiftSettings),

        // Composition and the HTTP edge of the domain: the only module that reads the environment.
        .target(
            name: "App",
            dependencies: [
                "HTTPServer", "HTTPClient", "Postgres", "Domain", "JSON", "Cryptography", "Locking", "TraceContext",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "embedded-api",
            dependencies: ["App", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .target(name: "TestSupport", dependencies: ["App", "Domain", "HTTP1", "HTTPClient", "HTTPServer", "JSON", "Locking", "Postgres"], swiftSettings: swiftSettings),

        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "Locking", "TestSupport", "TraceContext"], swiftSettings: swiftSettings),
        .testTarget(name: "TraceContextTests", dependencies: ["TraceContext", "HTTP1"], swiftSettings: swiftSettings),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: swiftSettings),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "JSON"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "CryptographyTests", dependencies: ["Cryptography"], swiftSettings: swiftSettings),
        .testTarget(name: "PostgresTests", dependencies: ["App", "HTTPServer", "Locking", "Postgres", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "AppTests", dependencies: ["App", "HTTPClient", "TestSupport", "TraceContext"], swiftSettings: swiftSettings),
    ]
)
