import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection. Not Sendable: it lives on exactly one pool thread (libpq forbids two threads
/// using one `PGconn` at once). `PQfinish` runs in `deinit`.
public final class PGConnection {
    let handle: OpaquePointer
    var statementCache: PreparedStatementCache

    /// Opens a connection and prepares the session (UTC, ISO dates, hex bytea, statement timeout).
    public init(configuration: DatabaseConfiguration) throws(DatabaseError) {
        // Keywords before `dbname` are defaults: the expanded connection string may override them.
        let pairs: [(String, String)] = [
            ("connect_timeout", String(max(configuration.connectTimeoutSeconds, 1))),
            ("application_name", configuration.applicationName),
            ("client_encoding", "UTF8"),
            ("dbname", configuration.connectionString),
        ]
        guard let handle = Self.connect(pairs) else { throw DatabaseError(kind: .connectionUnavailable) }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw DatabaseError(kind: .connectionUnavailable, serverMessage: message)
        }
        // libpq prints notices (and errors that arrive while idle) to stderr by default; they may quote values.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        self.handle = handle
        statementCache = PreparedStatementCache(capacity: configuration.preparedStatementCacheSize)
        let timeout = configuration.statementTimeout.roundedUpMilliseconds
        try execute(
            unsafeSQL: "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO'; SET bytea_output = 'hex'; "
                + "SET statement_timeout = \(timeout)")
    }

    deinit { PQfinish(handle) }

    private static func connect(_ pairs: [(String, String)]) -> OpaquePointer? {
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer { (keywords + values).forEach { free($0) } }
        let keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        return PQconnectdbParams(keywordPointers, valuePointers, 1)
    }

    /// False once libpq has seen the connection fail; the pool then replaces it.
    public var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// True inside BEGIN … (including a failed transaction).
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Runs one statement with its parameters bound (never interpolated into the text).
    public func query(_ sql: SQL) throws(DatabaseError) -> QueryResult {
        do {
            return try run(sql)
        } catch let error where error.sqlState == "0A000" || error.sqlState == "26000" {
            // The prepared form went stale ("cached plan must not change result type" after DDL, or a
            // DISCARD dropped it): prepare afresh. Outside a transaction the failed attempt changed nothing,
            // so it is safe to run once more.
            statementCache.forget(sql.text)
            guard !isInTransaction else { throw error }
            return try run(sql)
        }
    }

    private func run(_ sql: SQL) throws(DatabaseError) -> QueryResult {
        let result = try ParameterBuffers.withBuffers(sql.binds) { (buffers) throws(DatabaseError) -> OpaquePointer? in
            if let name = try preparedName(for: sql) {
                return PQexecPrepared(
                    handle, name, buffers.count, buffers.values, buffers.lengths, buffers.formats, 0)
            }
            return PQexecParams(
                handle, sql.text, buffers.count, nil, buffers.values, buffers.lengths, buffers.formats, 0)
        }
        return try ResultReader.read(result, connection: handle)
    }

    /// Several statements in one simple-protocol call (migrations only).
    public func execute(unsafeSQL: String) throws(DatabaseError) {
        _ = try ResultReader.read(PQexec(handle, unsafeSQL), connection: handle)
    }

    /// Whether the server has closed or broken the idle connection (e.g. `pg_terminate_backend`, restart):
    /// a zero-timeout poll of the socket, so a dead connection is replaced before a job uses it.
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
