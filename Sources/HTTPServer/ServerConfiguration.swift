public import HTTP1

/// Every knob of the socket server, each with its default.
public struct ServerConfiguration: Sendable {
    /// Address to bind. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (read it back from `Server.run(onListening:)`). Default 8080.
    public var port: Int = 8080
    /// listen(2) backlog. Default 1024.
    public var backlog: Int32 = 1024
    /// Event-loop threads; 0 means one per core. Default 0.
    public var eventLoopThreads: Int = 0
    /// Connections beyond this are accepted and closed at once with a 503. Default 10_000.
    public var maxConnections: Int = 10_000
    /// Time allowed from a connection's first byte (or end of the previous response) to a complete request head.
    /// Default 10 s; expiry answers 408 and closes.
    public var headerReadTimeout: Duration = .seconds(10)
    /// Time allowed for the body once the head is in. Default 30 s.
    public var bodyReadTimeout: Duration = .seconds(30)
    /// Time a keep-alive connection may sit with no request. Default 60 s; expiry closes silently.
    public var idleTimeout: Duration = .seconds(60)
    /// On shutdown, how long in-flight requests may run before their connections are closed. Default 10 s.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Parser bounds: request line (414), header section (431), header count (431), body (413).
    public var limits: ParserLimits = .init()
    /// The ceiling on bytes of request bodies held in memory at once, shared by every loop (and readable for
    /// metrics). Default 256 MiB.
    public var bodyBudget = BodyBudget(ceiling: 256 * 1024 * 1024)
    /// The most a streamed body (`BodyScreening.stream`) may declare: a Content-Length up to this passes the
    /// head's check, which is otherwise `limits.maxBodyBytes`, for a route that streams. Default 0 (none).
    public var maxStreamedBodyBytes = 0
    /// How long a wanted body waits for room in `bodyBudget` before it is answered 503. Default 1 s.
    public var bodyBudgetWait: Duration = .seconds(1)

    public init() {}
}
