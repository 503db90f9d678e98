import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection in non-blocking mode. Not Sendable: one task uses it at a time (libpq forbids two
/// threads using one `PGconn` at once). The task sends, suspends until the pool's `IOReactor` sees the
/// socket ready, and reads the answer itself, so no thread is parked per connection. `PQfinish` runs in `deinit`.
public final class PGConnection {
    let handle: OpaquePointer
    let reactor: IOReactor
    let socketWaiter: (any SocketWaiting)?
    var statementCache: PreparedStatementCache
    /// How long a statement may go unanswered before the connection is given up: the server's
    /// `statement_timeout` plus a margin, so a frozen or unreachable server cannot hold a caller forever.
    let clientDeadline: Duration
    /// Set when a wait outlived its deadline: the protocol state is unknown, so the pool drops the connection.
    var isBroken = false

    private init(
        handle: OpaquePointer, reactor: IOReactor, socketWaiter: (any SocketWaiting)?, configuration: DatabaseConfiguration
    ) {
        self.handle = handle
        self.reactor = reactor
        self.socketWaiter = socketWaiter
        statementCache = PreparedStatementCache(capacity: configuration.statementCacheCapacity)
        clientDeadline = configuration.statementTimeout + configuration.clientDeadlineMargin
    }

    /// Opens a connection without blocking the calling thread and prepares the session (UTC, ISO dates,
    /// hex bytea, statement timeout, generic plans; behind a transaction pooler only the first two: `sessionSetup`).
    ///
    /// `plan_cache_mode = force_generic_plan`: every statement here is prepared once per connection and run with
    /// parameters. Left to choose, PostgreSQL re-plans the CreateEndUserConnection write on every execution (a
    /// custom plan each time), which doubles its CPU per create; the statements are written so that their generic
    /// plans use the indexes (no `$1 IS NULL OR …` in an index condition).
    ///
    /// The 1 MiB string the session first makes and drops: freeing it raises glibc's trim threshold in the backend
    /// to 2 MiB. At the default 128 KiB the backend gives the heap back after every statement that grows it (three
    /// B-tree scans of a merged read do, ~27 KB each) and faults it in again on the next: two `brk` per statement
    /// and ~15 µs of PostgreSQL's CPU per ListEndUserConnections. First, so that it runs before the statement
    /// timeout is set: a fresh backend's first statement can take longer than a short timeout on a busy machine,
    /// and would fail the connection's set-up.
    static func open(
        configuration: DatabaseConfiguration, reactor: IOReactor, socketWaiter: (any SocketWaiting)?
    ) async throws(DatabaseError) -> PGConnection {
        let handle = try await ConnectionStart.connect(configuration: configuration, reactor: reactor)
        // libpq prints notices (and errors that arrive while idle) to stderr by default; they may quote values.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = PGConnection(
            handle: handle, reactor: reactor, socketWaiter: socketWaiter, configuration: configuration)
        try await connection.execute(unsafeSQL: sessionSetup(configuration))
        return connection
    }

    /// Behind a transaction pooler only what PgBouncer carries to every server session it hands this client:
    /// `TimeZone` and `DateStyle`, which PostgreSQL reports (ParameterStatus) and PgBouncer re-applies. The rest
    /// would stay on whichever session ran it: `bytea_output` is hex by default, `plan_cache_mode` matters only to
    /// named statements (none are prepared), and `statement_timeout` belongs to the role or database there
    /// (`ALTER ROLE … SET statement_timeout`); the client deadline still gives up on a statement unanswered
    /// `statementTimeout` plus the margin.
    static func sessionSetup(_ configuration: DatabaseConfiguration) -> String {
        let common = "SELECT length(repeat('x', 1048576)); SET TIME ZONE 'UTC'; SET DateStyle = 'ISO'"
        guard configuration.pooler.keepsSessions else { return common }
        let timeout = configuration.statementTimeout.roundedUpMilliseconds
        return common + "; SET bytea_output = 'hex'; SET statement_timeout = \(timeout); SET plan_cache_mode = force_generic_plan"
    }

    deinit {
        let socket = PQsocket(handle)
        if socket >= 0 { reactor.forget(socket) }
        PQfinish(handle)
    }

    /// False once libpq has seen the connection fail, or a statement outlived its deadline; the pool then
    /// replaces it.
    public var isHealthy: Bool { !isBroken && PQstatus(handle) == CONNECTION_OK }

    /// True inside BEGIN … (including a failed transaction).
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Runs one statement with its parameters bound (never interpolated into the text).
    public func query(_ sql: SQL) async throws(DatabaseError) -> QueryResult {
        try await query(sql, within: clientDeadline)
    }

    /// `query` with a deadline of its own (readiness checks want an answer sooner than a statement may take).
    func query(_ sql: SQL, within deadline: Duration) async throws(DatabaseError) -> QueryResult {
        let sql = sql.rendered()
        do {
            return try await run(sql, until: .now + deadline)
        } catch let error where error.isStalePreparedStatement {
            // Prepare afresh. Outside a transaction the failed attempt changed nothing, so it is safe to run once more.
            statementCache.forget(sql.text)
            guard !isInTransaction else { throw error }
            return try await run(sql, until: .now + deadline)
        }
    }

    private func run(_ sql: SQL, until deadline: ContinuousClock.Instant) async throws(DatabaseError) -> QueryResult {
        let name = try await preparedName(for: sql, until: deadline)
        let sent = try ParameterBuffers.withBuffers(sql.binds) { (buffers) throws(DatabaseError) -> Int32 in
            // libpq copies the values into its output buffer here, so the buffers may go right after.
            if let name {
                return PQsendQueryPrepared(
                    handle, name, buffers.count, buffers.values, buffers.lengths, buffers.formats, 0)
            }
            return PQsendQueryParams(
                handle, sql.text, buffers.count, nil, buffers.values, buffers.lengths, buffers.formats, 0)
        }
        guard let name else { return try await exchange(sent: sent, until: deadline) }
        var layout = statementCache.layouts[name]
        let result = try await exchange(sent: sent, until: deadline, layout: &layout)
        statementCache.layouts[name] = layout
        return result
    }

    /// Several statements in one simple-protocol call (session setup, transactions, migrations).
    public func execute(unsafeSQL: String) async throws(DatabaseError) {
        _ = try await exchange(sent: PQsendQuery(handle, unsafeSQL), until: .now + clientDeadline)
    }

    /// Whether the server has closed or broken the idle connection (e.g. `pg_terminate_backend`, restart):
    /// a zero-timeout poll of the socket, so a dead connection is replaced before a caller uses it.
    func looksDeadWhileIdle() -> Bool {
        guard isHealthy else { return true }
        let socket = PQsocket(handle)
        guard socket >= 0 else { return true }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        // Readable while idle: a NOTIFY is harmless; anything else is the server saying goodbye
        // (FATAL 57P01 then EOF, which may arrive in separate reads), so the connection is replaced.
        guard PQconsumeInput(handle) == 1, isHealthy else { return true }
        var notified = false
        while let notify = PQnotifies(handle) {
            notified = true
            PQfreemem(notify)
        }
        return !notified
    }
}

@available(*, unavailable)
extension PGConnection: Sendable {}
