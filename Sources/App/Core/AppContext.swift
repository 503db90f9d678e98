public import Cryptography
public import Domain
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
    /// OpenSSL-backed checks Domain uses for certificate and RSA key credentials.
    public var keyMaterial: any KeyMaterialChecking

    public init(
        configuration: AppConfiguration, database: DatabasePool, keyRing: KeyRing,
        authenticator: any Authenticating, logger: Logger, metrics: Metrics,
        keyMaterial: any KeyMaterialChecking = OpenSSLKeyMaterial()
    ) {
        self.configuration = configuration
        self.database = database
        self.keyRing = keyRing
        self.authenticator = authenticator
        self.logger = logger
        self.metrics = metrics
        self.keyMaterial = keyMaterial
    }
}
