import Foundation
import HTTP1
import HTTPServer
import Testing

/// Not a test: serves a trivial responder on HTTP_BENCH_PORT for HTTP_BENCH_SECONDS so that
/// bench/http/run.sh can point wrk and the idle-connection script at it. Skipped unless the variable is set.
@Test(.enabled(if: ProcessInfo.processInfo.environment["HTTP_BENCH_SECONDS"] != nil))
func benchmarkServer() async throws {
    let environment = ProcessInfo.processInfo.environment
    let seconds = Int(environment["HTTP_BENCH_SECONDS"] ?? "") ?? 10
    var configuration = ServerConfiguration()
    configuration.port = Int(environment["HTTP_BENCH_PORT"] ?? "") ?? 8089
    configuration.maxConnections = 20_000
    let ok = ClosureResponder { _ in Response(status: .ok, headers: ["Content-Type": "text/plain"], body: Array("ok".utf8)) }
    let server = Server(configuration: configuration, responder: ok)
    let running = Task { try await server.run() }
    try await Task.sleep(for: .seconds(seconds))
    server.shutdown()
    try await running.value
}
