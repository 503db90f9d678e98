public import Cryptography
public import Domain
public import HTTPClient
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
    /// The one client for calls to URLs that tenants name: one client, so its concurrency limits hold across
    /// requests.
    public var outbound: HTTPClient
    /// Fresh oauth2 access tokens for `/access` and the proxy; nil uses the token refresher
    /// (`RefreshingAccessTokens`). Tests set their own.
    public var accessTokens: (any AccessTokenSource)?
    /// The API keys a `DatabaseAuthenticator` has confirmed (an inert, empty cache for any other authenticator);
    /// trusted only while `listenForAPIKeyChanges` runs.
    let apiKeys: APIKeyCache
    /// client_credentials and password access tokens, sealed, until they expire (`OnDemandTokens`).
    let onDemandTokens = OnDemandTokens()
    /// Connections the proxy loaded, opened, for a second; every write route forgets them (`Router.on`).
    let usableConnections = UsableConnectionCache()

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
        outbound = HTTPClient(configuration: configuration.outboundClient, socketWaiter: EventLoopSocketWaiter())
        apiKeys = (authenticator as? DatabaseAuthenticator)?.apiKeys ?? APIKeyCache(maxAge: .zero)
    }

    /// True while `listenForAPIKeyChanges` holds its LISTEN, so confirmed API keys are served from memory.
    public var cachesAPIKeys: Bool { apiKeys.isLive }

    /// Keeps the API-key cache exact until the calling task is cancelled: LISTENs for changes to `api_keys` on a
    /// connection of its own and forgets every cached key on each change or when that connection is lost.
    /// Without it running, every request looks its key up in the database.
    public func listenForAPIKeyChanges() async {
        let apiKeys = self.apiKeys
        let logger = self.logger
        await database.listen(to: APIKeyCache.channel) { event in
            let wasListening = apiKeys.isLive
            apiKeys.apply(event)
            switch event {
            case .listening: logger.debug("listening for API key changes; confirmed keys are cached")
            case .lost where wasListening && !Task.isCancelled:
                // Once per loss, not per reconnection attempt; not at shutdown (the listener was cancelled).
                logger.warning("lost the API key change listener; every key is looked up until it is back")
            case .lost, .notified: break
            }
        }
    }
}
