import HTTP1
import HTTPServer

/// A responder from a closure.
struct ClosureResponder: Responder {
    let handle: @Sendable (Request) async -> Response
    func respond(to request: Request) async -> Response { await handle(request) }
}

/// Answers `<METHOD> <target> <body length>:<body>`; `/slow` first sleeps 300 ms, `/sleep-long` 20 s.
let echoResponder = ClosureResponder { request in
    if request.path == "/slow" { try? await Task.sleep(for: .milliseconds(300)) }
    if request.path == "/sleep-long" { try? await Task.sleep(for: .seconds(20)) }
    let text = "\(request.method) \(request.target) \(request.body.count):"
    return Response(status: .ok, headers: ["Content-Type": "text/plain"], body: Array(text.utf8) + request.body)
}

/// Short timeouts so timeout tests finish quickly.
func testConfiguration(_ adjust: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
    var configuration = ServerConfiguration()
    configuration.eventLoopThreads = 2
    configuration.headerReadTimeout = .seconds(10)
    configuration.bodyReadTimeout = .seconds(10)
    configuration.idleTimeout = .seconds(10)
    configuration.shutdownGracePeriod = .seconds(2)
    adjust(&configuration)
    return configuration
}
