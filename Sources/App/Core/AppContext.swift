public import Cryptography
public import Logging
public import Postgres

/// The services every route needs, built once by `Application` and shared by all handlers.
public struct AppContext: Sendable {
    public var configuration: AppConfiguration
    public var database: DatabasePool
    public var keyRing: KeyRing
    public var authenticator: any Authenticating
    public var logger: Logger
    public var metrics: Metrics

    public init(
        configuration: AppConfiguration, database: DatabasePool, keyRing: KeyRing,
        authenticator: any Authenticating, logger: Logger, metrics: Metrics
    ) {
        self.configuration = configuration
        self.database = database
        self.keyRing = keyRing
        self.authenticator = authenticator
        self.logger = logger
        self.metrics = metrics
    }
}
