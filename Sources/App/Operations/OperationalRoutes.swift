import Postgres
import HTTP1
import HTTPServer
import JSON

/// Health, readiness, metrics and the API description: no authentication.
enum OperationalRoutes {
    /// openapi/openapi.yaml, read when the first router is made; its compression starts then, beside the start's
    /// migrations.
    private static let openAPIDocument: CompressedOnce? = ProjectFiles.openAPIDocument().map { document in
        let once = CompressedOnce(document)
        once.startCompressing()
        return once
    }

    static func register(on router: inout Router, context: AppContext) {
        // Made once: the body never changes, and load balancers ask for it often.
        let healthy = Response.json(.ok, ["message": "ok"])
        router.onImmediate(.GET, "/healthz") { _ in healthy }
        router.on(.GET, "/readyz") { _ in
            if await context.database.isReachable() {
                return .json(.ok, ["message": "ready"])
            }
            return .apiError(APIError(.databaseUnavailable, "the database is unreachable", headers: ["Retry-After": "1"]))
        }
        router.onImmediate(.GET, "/metrics") { _ in
            Response(
                status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4"],
                body: Array((context.metrics.render() + Metrics.render(reads: context.database.readCounts, writes: context.database.writeCounts)
                    + Metrics.render(bodyBudget: context.configuration.server.bodyBudget)
                    + context.metrics.webhooks.render()
                    + context.metrics.tokenRefreshes.render()).utf8))
        }
        PlaceholderImage.register(on: &router)
        // 220 KB that never change: compressed once per process rather than on the loop for every request.
        let specification = openAPIDocument.map {
            ResponseCompression(minimumBytes: context.configuration.compressionMinBytes)
                .cached($0, headers: ["Content-Type": "application/yaml"])
        }
        router.onImmediate(.GET, "/openapi.yaml") { request in
            guard let specification else {
                return .apiError(APIError(.notImplemented, "the OpenAPI document was not found next to the server"))
            }
            return specification(request)
        }
    }
}
