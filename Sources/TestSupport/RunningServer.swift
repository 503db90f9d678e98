public import HTTPServer

/// Runs a real `Server` on 127.0.0.1 and an ephemeral port for the duration of `body`, then shuts it down
/// gracefully and waits for `run()` to return — on the failure path as well as the success path.
public func withRunningServer<T>(
    configuration: ServerConfiguration = .init(), responder: any Responder, _ body: (Int) async throws -> T
) async throws -> T {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    let server = Server(configuration: configuration, responder: responder)
    let (ports, portSink) = AsyncStream<Int>.makeStream()
    let running = Task {
        defer { portSink.finish() }
        try await server.run(onListening: { portSink.yield($0) })
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        try await running.value  // run() failed before listening: surface its error
        throw ServerDidNotStart()
    }
    do {
        let result = try await body(port)
        server.shutdown()
        try await running.value
        return result
    } catch {
        server.shutdown()
        _ = try? await running.value
        throw error
    }
}

public struct ServerDidNotStart: Error, CustomStringConvertible {
    public var description: String { "the server stopped before listening" }
}
