import Glibc
public import Logging
import Locking

/// The HTTP/1.1 server: a listening socket shared by `eventLoopThreads` epoll loops, each on its own thread.
public final class Server: Sendable {
    public let configuration: ServerConfiguration
    private let context: ServerContext
    private let loops = Locked<(handles: [EventLoopHandle], shutdownRequested: Bool)>(([], false))

    public init(configuration: ServerConfiguration, responder: any Responder, logger: Logger) {
        self.configuration = configuration
        self.context = ServerContext(configuration: configuration, responder: responder, logger: logger)
    }

    /// A server that logs nothing (tests, benchmarks).
    public convenience init(configuration: ServerConfiguration, responder: any Responder) {
        self.init(
            configuration: configuration, responder: responder,
            logger: Logger(label: "http-server", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Binds, listens and serves until `shutdown()` (or SIGTERM/SIGINT when `handleSignals`, or cancellation of
    /// the calling task), then drains gracefully and returns. `onListening` receives the bound port.
    public func run(handleSignals: Bool = false, onListening: @Sendable (Int) -> Void = { _ in }) async throws {
        let (listenerFD, port) = try Socket.listen(
            host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        defer { close(listenerFD) }
        let signals = handleSignals ? try SignalPipe() : nil
        defer { signals?.uninstall() }
        let handles = try (0..<loopCount).map { _ throws(SocketError) in try EventLoopHandle() }
        let alreadyStopping = loops.withLock { state in
            state.handles = handles
            return state.shutdownRequested
        }
        if alreadyStopping { handles.forEach { $0.submit(.shutdown) } }
        context.logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        onListening(port)
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, handle) in handles.enumerated() {
                    let signalFD = index == 0 ? signals?.readFD : nil
                    group.addTask {
                        try await self.runLoop(handle: handle, peers: handles, listenerFD: listenerFD, signalFD: signalFD)
                    }
                }
                do {
                    try await group.waitForAll()
                } catch {
                    shutdown()
                    throw error
                }
            }
        } onCancel: {
            shutdown()
        }
        context.logger.info("stopped")
    }

    private var loopCount: Int {
        if configuration.eventLoopThreads > 0 { return configuration.eventLoopThreads }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    private func runLoop(
        handle: EventLoopHandle, peers: [EventLoopHandle], listenerFD: Int32, signalFD: Int32?
    ) async throws {
        let context = context
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            do {
                try ThreadSpawner.spawn {
                    do {
                        let loop = try EventLoop(
                            context: context, handle: handle, peers: peers, listenerFD: listenerFD, signalFD: signalFD,
                            onSignal: { self.shutdown() })
                        loop.run()
                        continuation.resume()
                    } catch {
                        handle.close()
                        continuation.resume(throwing: error)
                    }
                }
            } catch {
                handle.close()
                continuation.resume(throwing: error)
            }
        }
    }

    /// Starts a graceful shutdown: stop accepting, close idle connections, let in-flight requests finish within
    /// `shutdownGracePeriod`. Safe to call from any thread, more than once, even before `run`.
    public func shutdown() {
        let handles = loops.withLock { state in
            state.shutdownRequested = true
            return state.handles
        }
        handles.forEach { $0.submit(.shutdown) }
    }
}
