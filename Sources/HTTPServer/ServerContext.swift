import HTTP1
import Logging
import Synchronization

/// What every event loop shares: configuration, responder, logger and the live-connection count.
final class ServerContext: Sendable {
    let configuration: ServerConfiguration
    let responder: any Responder
    let logger: Logger
    /// `configuration.bodyBudget`, at hand for every request with a body.
    let bodyBudget: BodyBudget
    let openConnections = Atomic<Int>(0)
    /// Connections accepted by any loop: the next one goes to loop `accepted % loops`.
    let acceptedConnections = Atomic<Int>(0)

    init(configuration: ServerConfiguration, responder: any Responder, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.bodyBudget = configuration.bodyBudget
    }

    var timeouts: ConnectionLifecycle<ContinuousClock.Instant>.Timeouts {
        .init(
            headerRead: configuration.headerReadTimeout, bodyRead: configuration.bodyReadTimeout,
            idle: configuration.idleTimeout, bodyBudgetWait: configuration.bodyBudgetWait)
    }

    /// Reserves a connection slot; false when `maxConnections` are already open.
    func reserveConnection() -> Bool {
        var current = openConnections.load(ordering: .relaxed)
        while current < configuration.maxConnections {
            let (exchanged, original) = openConnections.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func releaseConnection() { openConnections.subtract(1, ordering: .relaxed) }
}
