import HTTP1
public import HTTPClient
public import HTTPServer
public import Logging
public import Postgres

/// Everything the server reads from its environment, read once at start by `fromEnvironment`. Each variable, its
/// range and default are in docs/configuration.md (the one table; README and openapi.yaml copy it): a variable
/// read here needs a row there, which `checks/contract/config_table.py --check` enforces.
public struct AppConfiguration: Sendable {
    public var server = ServerConfiguration()
    public var database: DatabaseConfiguration
    public var credentialKeys: String
    public var logLevel: Logger.Level = .info
    /// `json`: one JSON object per line, for log collectors; `text`: swift-log's readable lines.
    public var logFormat: LogFormat = .text
    public var jwtClockSkewSeconds: Int = 60
    /// How long a confirmed API key may be served from memory at most, even while no change is notified: a
    /// backstop for a notification path that fails silently (e.g. a transaction-pooling proxy that drops
    /// LISTEN). 0 disables the cache.
    public var apiKeyCacheSeconds: Int = 60
    public var outboundAllowPrivateNetworks = false
    /// The egress allow-list: when set, nothing outside these networks is ever contacted.
    public var outboundAllowedNetworks: [IPNetwork]?
    /// Outbound calls running at once for one organisation, so one whose endpoint hangs cannot starve the rest.
    public var outboundMaxConcurrentPerOrganisation = 8
    public var outboundTimeout: Duration = .seconds(10)
    public var migrateOnStart = true
    /// Where clients reach this server (`https://api.example.com`, no trailing slash): the base of the URLs it
    /// answers that point back at itself (the OAuth 2.0 `redirect_uri`, the placeholder image). Never guessed from
    /// a request's Host header, which the client chooses.
    public var publicBaseURL: String?
    /// How long an OAuth 2.0 `state` from InitialiseOAuth2EmbeddedConnection stays usable.
    public var oauthStateTTLSeconds = 600
    /// How often the token refresher looks for oauth2-token credentials due for renewal.
    public var tokenRefreshInterval: Duration = .milliseconds(30000)
    /// How long a handler may take (`AppResponder`): its database waits and outbound call end by then, a statement
    /// still running is cancelled and the client gets 503 `requestDeadlineExceeded`.
    public var requestTimeout: Duration = .seconds(30)
    /// The webhook delivery worker (`WEBHOOK_*`).
    public var webhooks = WebhookConfiguration()
    /// Answers at least this large go out gzipped to clients that take gzip (`ResponseCompression`); 0 never
    /// compresses an answer. Request bodies in gzip are accepted either way.
    public var compressionMinBytes = 1024

    /// The most a proxied request body may carry (PROXY_MAX_BODY_BYTES): it is streamed to the provider, never
    /// held whole, so the limit bounds traffic rather than memory. Default 100 MiB.
    public var proxyMaxBodyBytes: Int {
        get { server.maxStreamedBodyBytes }
        set { server.maxStreamedBodyBytes = newValue }
    }

    public init(databaseURL: String, credentialKeys: String) {
        database = DatabaseConfiguration(connectionString: databaseURL)
        self.credentialKeys = credentialKeys
        server.maxStreamedBodyBytes = 100 * 1024 * 1024
    }

    /// Pure: reads only the dictionary it is given. Every bad value is reported, each naming its variable.
    public static func fromEnvironment(_ env: [String: String]) throws(ConfigurationError) -> AppConfiguration {
        var reader = EnvironmentReader(env: env)
        let databaseURL = reader.required("DATABASE_URL")
        let keys = reader.required(
            "CREDENTIAL_KEYS",
            hint: "make one with `embedded-api credentials generate-key` and set CREDENTIAL_KEYS=<its output>")
        var config = AppConfiguration(databaseURL: databaseURL ?? "", credentialKeys: keys ?? "")
        config.server.host = reader.string("HOST") ?? config.server.host
        config.server.port = reader.integer("PORT", in: 0...65535) ?? config.server.port
        config.server.eventLoopThreads = reader.integer("EVENT_LOOP_THREADS", in: 0...256) ?? 0
        config.server.maxConnections = reader.integer("MAX_CONNECTIONS", in: 1...1_000_000) ?? config.server.maxConnections
        config.server.headerReadTimeout = reader.milliseconds("HEADER_READ_TIMEOUT_MS") ?? config.server.headerReadTimeout
        config.server.bodyReadTimeout = reader.milliseconds("BODY_READ_TIMEOUT_MS") ?? config.server.bodyReadTimeout
        config.server.idleTimeout = reader.milliseconds("IDLE_TIMEOUT_MS") ?? config.server.idleTimeout
        config.server.shutdownGracePeriod = reader.milliseconds("SHUTDOWN_GRACE_MS") ?? config.server.shutdownGracePeriod
        let limits = config.server.limits
        config.server.limits.maxRequestLineBytes = reader.integer("MAX_REQUEST_LINE_BYTES", in: 64...1_048_576) ?? limits.maxRequestLineBytes
        config.server.limits.maxHeaderBytes = reader.integer("MAX_HEADER_BYTES", in: 256...1_048_576) ?? limits.maxHeaderBytes
        config.server.limits.maxHeaderCount = reader.integer("MAX_HEADER_COUNT", in: 1...10_000) ?? limits.maxHeaderCount
        config.server.limits.maxBodyBytes = reader.integer("MAX_BODY_BYTES", in: 0...1_073_741_824) ?? limits.maxBodyBytes
        config.proxyMaxBodyBytes = reader.integer("PROXY_MAX_BODY_BYTES", in: 0...1_099_511_627_776) ?? config.proxyMaxBodyBytes
        // Room for a largest body within the share large bodies may take (`BodyBudget.largeBodyCeiling`).
        let smallest = max(2 * config.server.limits.maxBodyBytes, BodyBudget.smallBodyBytes)
        let buffered = reader.integer("MAX_BUFFERED_BODY_BYTES", in: smallest...(1 << 40))
        if let buffered { config.server.bodyBudget = BodyBudget(ceiling: buffered) }
        config.database.poolSize = reader.integer("DATABASE_POOL_SIZE", in: 1...256) ?? config.database.poolSize
        config.database.connectTimeoutSeconds = reader.integer("DATABASE_CONNECT_TIMEOUT_SECONDS", in: 1...300) ?? config.database.connectTimeoutSeconds
        config.database.acquireTimeout = reader.milliseconds("DATABASE_ACQUIRE_TIMEOUT_MS") ?? config.database.acquireTimeout
        config.database.statementTimeout = reader.milliseconds("DATABASE_STATEMENT_TIMEOUT_MS") ?? config.database.statementTimeout
        config.database.pipelinesReads = reader.boolean("DATABASE_PIPELINE_READS") ?? config.database.pipelinesReads
        config.database.groupsCommits = reader.boolean("DATABASE_GROUP_COMMITS") ?? config.database.groupsCommits
        config.database.pooler = reader.choice("DATABASE_POOLER", DatabasePooler.self) ?? config.database.pooler
        config.database.listenConnectionString = reader.string("DATABASE_LISTEN_URL")
        config.logLevel = reader.logLevel("LOG_LEVEL") ?? .info
        config.logFormat = reader.choice("LOG_FORMAT", LogFormat.self) ?? .text
        config.jwtClockSkewSeconds = reader.integer("JWT_CLOCK_SKEW_SECONDS", in: 0...600) ?? config.jwtClockSkewSeconds
        config.apiKeyCacheSeconds = reader.integer("API_KEY_CACHE_SECONDS", in: 0...3600) ?? config.apiKeyCacheSeconds
        config.outboundAllowPrivateNetworks = reader.boolean("OUTBOUND_ALLOW_PRIVATE_NETWORKS") ?? false
        config.outboundAllowedNetworks = reader.networks("OUTBOUND_ALLOWED_NETWORKS")
        config.outboundMaxConcurrentPerOrganisation =
            reader.integer("OUTBOUND_MAX_CONCURRENT_PER_ORGANISATION", in: 1...64) ?? config.outboundMaxConcurrentPerOrganisation
        config.outboundTimeout = reader.milliseconds("OUTBOUND_TIMEOUT_MS") ?? config.outboundTimeout
        config.migrateOnStart = reader.boolean("MIGRATE_ON_START") ?? true
        config.publicBaseURL = reader.baseURL("PUBLIC_BASE_URL")
        config.oauthStateTTLSeconds = reader.integer("OAUTH_STATE_TTL_SECONDS", in: 60...3600) ?? config.oauthStateTTLSeconds
        config.tokenRefreshInterval = reader.milliseconds("TOKEN_REFRESH_INTERVAL_MS") ?? config.tokenRefreshInterval
        config.requestTimeout = reader.milliseconds("REQUEST_TIMEOUT_MS") ?? config.requestTimeout
        config.webhooks.deliver = reader.boolean("WEBHOOK_DELIVERY") ?? config.webhooks.deliver
        config.webhooks.retryBase = reader.milliseconds("WEBHOOK_RETRY_BASE_MS") ?? config.webhooks.retryBase
        config.webhooks.retryMaxDelay = reader.milliseconds("WEBHOOK_RETRY_MAX_DELAY_MS") ?? config.webhooks.retryMaxDelay
        config.webhooks.retryFor = reader.integer("WEBHOOK_RETRY_HOURS", in: 24...720).map { .seconds($0 * 3600) } ?? config.webhooks.retryFor
        config.webhooks.lease = reader.milliseconds("WEBHOOK_LEASE_MS") ?? config.webhooks.lease
        config.webhooks.pollInterval = reader.milliseconds("WEBHOOK_POLL_MS") ?? config.webhooks.pollInterval
        config.webhooks.batchSize = reader.integer("WEBHOOK_BATCH_SIZE", in: 1...1000) ?? config.webhooks.batchSize
        config.webhooks.retainSettled = reader.integer("WEBHOOK_RETAIN_HOURS", in: 1...8760).map { .seconds($0 * 3600) } ?? config.webhooks.retainSettled
        config.compressionMinBytes = reader.integer("COMPRESSION_MIN_BYTES", in: 0...1_073_741_824) ?? config.compressionMinBytes
        if !reader.problems.isEmpty { throw ConfigurationError(problems: reader.problems) }
        return config
    }
}

extension AppConfiguration {
    /// The outbound HTTP client's settings: the guard, the allow-list, the time limit and the per-organisation
    /// concurrency limit.
    public var outboundClient: HTTPClientConfiguration {
        var client = HTTPClientConfiguration(
            allowPrivateNetworks: outboundAllowPrivateNetworks, allowedNetworks: outboundAllowedNetworks,
            timeout: outboundTimeout)
        client.maxConcurrentRequestsPerTenant = outboundMaxConcurrentPerOrganisation
        return client
    }
}

public enum LogFormat: String, Sendable, CaseIterable { case text, json }

/// Start-up refused: each problem names its variable. Values are never echoed (they may be secrets).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { "invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n") }
}

extension AppConfiguration {
    /// Only what operator commands that touch nothing but the database need (`migrate`, `organisations`, `api-keys`).
    public static func databaseOnly(_ env: [String: String]) throws(ConfigurationError) -> DatabaseConfiguration {
        var reader = EnvironmentReader(env: env)
        let url = reader.required("DATABASE_URL")
        var database = DatabaseConfiguration(connectionString: url ?? "")
        database.poolSize = 1
        database.connectTimeoutSeconds = reader.integer("DATABASE_CONNECT_TIMEOUT_SECONDS", in: 1...300) ?? 5
        database.pooler = reader.choice("DATABASE_POOLER", DatabasePooler.self) ?? .none
        if !reader.problems.isEmpty { throw ConfigurationError(problems: reader.problems) }
        return database
    }
}
