public import HTTP1
import HTTPServer
import Locking
import Postgres

/// Prometheus counters and a latency histogram per route, rendered in the text exposition format at /metrics.
/// Every label value comes from a fixed set (route templates, `unmatchedRoute`, the methods `methodLabel` names,
/// status codes), never from the request's bytes: a client cannot grow the table or the time spent under its lock.
public final class Metrics: Sendable {
    /// The route label of a request no template matched.
    static let unmatchedRoute = "unmatched"
    /// The method label of any method but RFC 9110's that the API uses.
    static let otherMethod = "other"

    /// One route's latency histogram: counts per bound (cumulative, as Prometheus wants), then +Inf.
    private struct Histogram {
        var buckets = Array(repeating: 0, count: Metrics.bounds.count + 1)
        var sum = 0.0

        mutating func record(_ seconds: Double) {
            for index in Metrics.bounds.indices where seconds <= Metrics.bounds[index] { buckets[index] += 1 }
            buckets[Metrics.bounds.count] += 1
            sum += seconds
        }
    }

    /// One route's counters. A route sees few (method, status) pairs, so a list beats hashing two strings and
    /// a number per request, and the route's template is hashed once for both its counts and its histogram.
    private struct RouteStats {
        var counts: [(method: String, status: Int, count: Int)] = []
        var histogram = Histogram()

        mutating func record(method: String, status: Int, seconds: Double) {
            if let index = counts.firstIndex(where: { $0.status == status && $0.method == method }) {
                counts[index].count += 1
            } else {
                counts.append((method, status, 1))
            }
            histogram.record(seconds)
        }
    }

    private struct State {
        var routes: [String: RouteStats] = [:]
    }

    static let bounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    private let state = Locked(State())
    /// The webhook delivery worker's counters, rendered with these.
    public let webhooks = WebhookMetrics()
    /// The OAuth 2.0 token refresher's counters, rendered beside these.
    public let tokenRefreshes = TokenRefreshMetrics()
    /// The proxy's own series (`ProxyMetrics`), rendered after the routes'.
    let proxy = ProxyMetrics()

    public init() {}

    /// `route` is a route template or `unmatchedRoute`; the method is recorded by its `methodLabel`.
    public func record(method: HTTPMethod, route: String, status: Int, seconds: Double) {
        let method = Self.methodLabel(method)
        state.withLock { state in
            // Mutated in place (no copy of the buckets per request).
            state.routes[route, default: RouteStats()].record(method: method, status: status, seconds: seconds)
        }
    }

    /// The method as named when it is one of RFC 9110's the API may answer, else `otherMethod`: any token is a
    /// method, so one label per token would be one series per made-up method.
    static func methodLabel(_ method: HTTPMethod) -> String {
        switch method {
        case .GET, .POST, .HEAD, .PUT, .PATCH, .DELETE, .OPTIONS: method.rawValue
        default: otherMethod
        }
    }

    /// The database's pipelined paths' counters (`DatabasePool.reading` and `writing`), in the same exposition
    /// format.
    static func render(reads: PipelineCounts, writes: PipelineCounts) -> String {
        "# HELP db_reads_total Stand-alone reads, by whether they were pipelined or ran on a pooled connection.\n"
            + "# TYPE db_reads_total counter\n"
            + "db_reads_total{path=\"pipeline\"} \(reads.pipelined)\ndb_reads_total{path=\"pool\"} \(reads.pooled)\n"
            + "# HELP db_read_batches_total Batches of pipelined reads sent, one PostgreSQL Sync each.\n"
            + "# TYPE db_read_batches_total counter\n"
            + "db_read_batches_total \(reads.batches)\n"
            + "# HELP db_reads_merged_total Pipelined reads answered by one execution shared with other runs of their statement.\n"
            + "# TYPE db_reads_merged_total counter\n"
            + "db_reads_merged_total \(reads.merged)\n"
            + "# HELP db_writes_total Single-statement writes, by whether they were grouped or ran on a pooled connection.\n"
            + "# TYPE db_writes_total counter\n"
            + "db_writes_total{path=\"grouped\"} \(writes.pipelined)\ndb_writes_total{path=\"pool\"} \(writes.pooled)\n"
            + "# HELP db_write_batches_total Batches of grouped writes committed or rolled back, one transaction each.\n"
            + "# TYPE db_write_batches_total counter\n"
            + "db_write_batches_total \(writes.batches)\n"
    }

    /// The `BodyBudget`: request bodies held in memory now, its ceiling, and requests refused for want of room.
    static func render(bodyBudget budget: BodyBudget) -> String {
        "# HELP http_request_body_bytes_buffered Bytes of request bodies held in memory now (reserved whole before reading).\n"
            + "# TYPE http_request_body_bytes_buffered gauge\n"
            + "http_request_body_bytes_buffered \(budget.heldBytes)\n"
            + "# HELP http_request_body_bytes_limit MAX_BUFFERED_BODY_BYTES.\n"
            + "# TYPE http_request_body_bytes_limit gauge\n"
            + "http_request_body_bytes_limit \(budget.ceiling)\n"
            + "# HELP http_request_body_budget_refusals_total Requests answered 503 (503003): no room for their body came in time.\n"
            + "# TYPE http_request_body_budget_refusals_total counter\n"
            + "http_request_body_budget_refusals_total \(budget.refusedRequests)\n"
    }

    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP http_requests_total Requests answered, by method, route template and status.\n"
        out += "# TYPE http_requests_total counter\n"
        let requests = snapshot.routes.flatMap { route, stats in
            stats.counts.map { (method: $0.method, route: route, status: "\($0.status)", count: $0.count) }
        }
        for entry in requests.sorted(by: { ($0.method, $0.route, $0.status) < ($1.method, $1.route, $1.status) }) {
            out += "http_requests_total{method=\"\(entry.method)\",route=\"\(entry.route)\",status=\"\(entry.status)\"} \(entry.count)\n"
        }
        out += "# HELP http_request_duration_seconds Time from complete request to response, by route template.\n"
        out += "# TYPE http_request_duration_seconds histogram\n"
        for (route, stats) in snapshot.routes.sorted(by: { $0.key < $1.key }) {
            let histogram = stats.histogram
            let buckets = histogram.buckets
            for (index, bound) in Self.bounds.enumerated() {
                out += "http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(buckets[index])\n"
            }
            out += "http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(buckets[Self.bounds.count])\n"
            out += "http_request_duration_seconds_sum{route=\"\(route)\"} \(histogram.sum)\n"
            out += "http_request_duration_seconds_count{route=\"\(route)\"} \(buckets[Self.bounds.count])\n"
        }
        return out + proxy.render()
    }
}
