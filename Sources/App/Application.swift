import Cryptography
import HTTP1
public import HTTPServer
public import Logging
import Postgres

/// The composition root shared by `main` and the tests.
public enum Application {
    /// Builds every service from a configuration. Throws a readable error for a bad key ring.
    public static func makeContext(configuration: AppConfiguration, logger: Logger) throws -> AppContext {
        let keyRing: KeyRing
        do {
            keyRing = try KeyRing(parsing: configuration.credentialKeys)
        } catch {
            throw ConfigurationError(problems: ["CREDENTIAL_KEYS is invalid: \(error)"])
        }
        let database = DatabasePool(configuration: configuration.database, socketWaiter: EventLoopSocketWaiter())
        let authenticator = DatabaseAuthenticator(
            database: database, apiKeys: APIKeyCache(maxAge: .seconds(configuration.apiKeyCacheSeconds)),
            clockSkewSeconds: configuration.jwtClockSkewSeconds)
        return AppContext(
            configuration: configuration, database: database, keyRing: keyRing, authenticator: authenticator,
            logger: TraceLogHandler.tracing(logger), metrics: Metrics())
    }

    /// The responder for a context: routing, authentication, error mapping, metrics and the request log.
    public static func makeResponder(context: AppContext) -> any Responder {
        AppResponder(
            router: AppRoutes.makeRouter(context: context), errors: ErrorMapping(logger: context.logger),
            metrics: context.metrics, authenticator: context.authenticator,
            requestTimeout: context.configuration.requestTimeout,
            compression: ResponseCompression(minimumBytes: context.configuration.compressionMinBytes),
            maxBodyBytes: context.configuration.server.limits.maxBodyBytes,
            proxyMaxBodyBytes: context.configuration.proxyMaxBodyBytes)
    }

    /// Every route the server answers, as `METHOD /template/:param`, sorted: what the spec-coverage checks compare
    /// with openapi/openapi.yaml.
    public static func routeTable(context: AppContext) -> [String] {
        AppRoutes.makeRouter(context: context).table.map { "\($0.method.rawValue) \($0.template)" }.sorted()
    }

    /// Applies migrations (unless disabled), then serves until SIGTERM/SIGINT and drains gracefully.
    public static func serve(
        configuration: AppConfiguration, logger: Logger, onListening: @Sendable (Int) -> Void = { _ in }
    ) async throws {
        let context = try makeContext(configuration: configuration, logger: logger)
        defer { context.database.shutdown() }
        // Made first: what it prepares on threads of its own (the API description's compression) overlaps the
        // migrations.
        let responder = makeResponder(context: context)
        if configuration.migrateOnStart {
            let applied = try await Migrator.fromDirectory().migrate(context.database)
            for migration in applied {
                logger.notice("applied migration", metadata: ["migration": "\(migration.version)_\(migration.name)"])
            }
        }
        let server = Server(configuration: configuration.server, responder: responder, logger: logger)
        let listener = Task { await context.listenForAPIKeyChanges() }
        defer { listener.cancel() }
        let webhooks = configuration.webhooks.deliver ? Task { await WebhookWorker(context: context).run() } : nil
        defer { webhooks?.cancel() }
        let refresher = Task { await OAuthTokenRefresher(context: context).run() }
        defer { refresher.cancel() }
        try await server.run(handleSignals: true, onListening: onListening)
        // Drained: no new claims, and the deliveries under way finish and record their outcome.
        webhooks?.cancel()
        await webhooks?.value
    }
}

