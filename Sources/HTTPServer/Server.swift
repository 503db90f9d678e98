public import Logging

/// INTERFACE STUB — the HTTPServer owner replaces the body, keeping these signatures.
public final class Server: Sendable {
    public let configuration: ServerConfiguration

    public init(configuration: ServerConfiguration, responder: any Responder, logger: Logger) {
        self.configuration = configuration
    }

    /// Binds, listens and serves until `shutdown()` (or SIGTERM/SIGINT when `handleSignals`), then drains
    /// gracefully and returns. `onListening` receives the bound port once the socket listens.
    public func run(handleSignals: Bool = false, onListening: @Sendable (Int) -> Void = { _ in }) async throws {
        fatalError("not implemented")
    }

    /// Starts a graceful shutdown: stop accepting, close idle connections, let in-flight requests finish within
    /// `shutdownGracePeriod`. Safe to call from any thread, more than once.
    public func shutdown() {}
}
