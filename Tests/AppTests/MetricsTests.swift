@testable import App
import HTTP1
import HTTPServer
import Logging
import Postgres
import Testing

@Suite struct MetricsTests {
    @Test func countsByMethodRouteAndStatusInSortedOrder() {
        let metrics = Metrics()
        metrics.record(method: .POST, route: "/hubs", status: 201, seconds: 0.002)
        metrics.record(method: .GET, route: "/hubs/:hub_id", status: 404, seconds: 0.0005)
        metrics.record(method: .GET, route: "/hubs/:hub_id", status: 200, seconds: 0.03)
        metrics.record(method: .GET, route: "/hubs/:hub_id", status: 200, seconds: 0.0009)
        metrics.record(method: .HEAD, route: "/hubs/:hub_id", status: 200, seconds: 0.0001)
        let lines = metrics.render().split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("http_requests_total{") } == [
            #"http_requests_total{method="GET",route="/hubs/:hub_id",status="200"} 2"#,
            #"http_requests_total{method="GET",route="/hubs/:hub_id",status="404"} 1"#,
            #"http_requests_total{method="HEAD",route="/hubs/:hub_id",status="200"} 1"#,
            #"http_requests_total{method="POST",route="/hubs",status="201"} 1"#,
        ])
        // One histogram per route, whatever the method or status: cumulative buckets.
        #expect(lines.contains(#"http_request_duration_seconds_bucket{route="/hubs/:hub_id",le="0.001"} 3"#))
        #expect(lines.contains(#"http_request_duration_seconds_bucket{route="/hubs/:hub_id",le="0.025"} 3"#))
        #expect(lines.contains(#"http_request_duration_seconds_bucket{route="/hubs/:hub_id",le="0.05"} 4"#))
        #expect(lines.contains(#"http_request_duration_seconds_count{route="/hubs/:hub_id"} 4"#))
        #expect(lines.contains(#"http_request_duration_seconds_count{route="/hubs"} 1"#))
        let routes = lines.filter { $0.hasPrefix("http_request_duration_seconds_count") }
        #expect(routes.first?.contains(#"route="/hubs""#) == true)  // sorted by route
    }

    @Test func pipelineCountersOfReadsAndWritesIncludingBatches() {
        let lines = Metrics.render(
            reads: PipelineCounts(pipelined: 30, pooled: 2, batches: 7, merged: 12),
            writes: PipelineCounts(pipelined: 12, pooled: 1, batches: 3)
        ).split(separator: "\n")
        #expect(lines.filter { !$0.hasPrefix("#") } == [
            #"db_reads_total{path="pipeline"} 30"#, #"db_reads_total{path="pool"} 2"#, "db_read_batches_total 7",
            "db_reads_merged_total 12",
            #"db_writes_total{path="grouped"} 12"#, #"db_writes_total{path="pool"} 1"#, "db_write_batches_total 3",
        ])
        #expect(lines.contains("# TYPE db_read_batches_total counter"))
        #expect(lines.contains("# TYPE db_write_batches_total counter"))
    }
}

/// The route template travels back with the response (for the access log) and into the metrics.
@Suite struct AppResponderTests {
    let metrics = Metrics()

    var responder: AppResponder {
        var router = Router()
        router.on(.GET, "/hubs/:hub_id") { request in Response(status: .ok, body: Array((request.parameters["hub_id"] ?? "").utf8)) }
        router.onImmediate(.GET, "/healthz") { _ in Response(status: .ok) }
        return AppResponder(
            router: router, errors: ErrorMapping(logger: Logger(label: "test")), metrics: metrics,
            authenticator: NobodyAuthenticator(), requestTimeout: .seconds(30))
    }

    @Test func answersWithTheTemplateThatMatched() async {
        let routed = await responder.respondRouted(to: Request(method: .GET, target: "/hubs/h1"))
        #expect(routed.route == "/hubs/:hub_id")
        #expect(routed.response.body == Array("h1".utf8))
        let unmatched = await responder.respondRouted(to: Request(method: .GET, target: "/nowhere"))
        #expect(unmatched.route == nil && unmatched.response.status == .notFound)
        #expect(responder.respondImmediately(to: Request(method: .GET, target: "/healthz"))?.route == "/healthz")
        #expect(responder.respondImmediately(to: Request(method: .GET, target: "/hubs/h1")) == nil)
        let lines = metrics.render().split(separator: "\n")
        #expect(lines.contains(#"http_requests_total{method="GET",route="/hubs/:hub_id",status="200"} 1"#))
        #expect(lines.contains(#"http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
        #expect(lines.contains(#"http_requests_total{method="GET",route="/healthz",status="200"} 1"#))
    }

    /// Every label value comes from a fixed set: were any method token a label (`http_requests_total{method=...}`),
    /// a stream of made-up methods would grow the table without bound.
    @Test func metricsLabelsAreBoundedForUnknownMethods() async {
        for index in 0..<50 {
            for method in ["BREW\(index)", "get\(index)", "PROPFIND", "TRACE"] {
                for target in ["/hubs/h1", "/nowhere/\(index)", "/healthz"] {
                    _ = await responder.respondRouted(to: Request(method: HTTPMethod(rawValue: method), target: target))
                }
            }
        }
        _ = await responder.respondRouted(to: Request(method: .GET, target: "/nowhere/else"))
        _ = await responder.respondRouted(to: Request(method: .GET, target: "/hubs/h1/deeper/still"))
        let series = metrics.render().split(separator: "\n").filter { $0.hasPrefix("http_requests_total{") }
        #expect(series == [
            #"http_requests_total{method="GET",route="unmatched",status="404"} 2"#,
            #"http_requests_total{method="other",route="unmatched",status="501"} 600"#,
        ])
        let routes = metrics.render().split(separator: "\n").filter { $0.hasPrefix("http_request_duration_seconds_count") }
        #expect(routes == [#"http_request_duration_seconds_count{route="unmatched"} 602"#])
    }
}

/// Knows no caller: these tests route only to routes without authentication.
struct NobodyAuthenticator: Authenticating {
    func authenticate(_ request: Request) async throws -> Principal { throw APIError(.missingCredentials, "nobody") }
}
