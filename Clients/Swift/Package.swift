// swift-tools-version:6.0
// A client for embedded-api generated at build time from the repository's openapi/openapi.yaml (reached through
// the symlink Sources/EmbeddedAPIClient/openapi.yaml, so there is no copy to drift), and an executable that runs
// the README's walk-through with it against a live server. A package of its own: the server's build does not
// pay for the generator (OpenAPIKit, Yams, swift-argument-parser) or the generated code.
import PackageDescription

let package = Package(
    name: "EmbeddedAPIClient",
    platforms: [.macOS(.v15)],
    products: [.library(name: "EmbeddedAPIClient", targets: ["EmbeddedAPIClient"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator", exact: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", exact: "1.13.4"),
        // URLSession, through FoundationNetworking on Linux: no SwiftNIO to build (async-http-client's transport
        // would add it).
        .package(url: "https://github.com/apple/swift-openapi-urlsession", exact: "1.4.0"),
        // HTTPRequest and HTTPResponse, which middlewares see (already a dependency of the runtime).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        .target(
            name: "EmbeddedAPIClient",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .executableTarget(
            name: "walkthrough",
            dependencies: [
                "EmbeddedAPIClient",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIURLSession", package: "swift-openapi-urlsession"),
            ]
        ),
    ]
)
