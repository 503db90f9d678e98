/// What stands between the server and PostgreSQL, which decides how much of a session the server may rely on.
public enum DatabasePooler: String, Sendable, CaseIterable {
    /// Each connection is a PostgreSQL session of its own (directly, or through a session-mode pooler).
    case none
    /// PgBouncer in transaction mode: each transaction may run on another server session. The connection then
    /// prepares no named statements (a name prepared on one session is unknown on the next), sets only the
    /// parameters PgBouncer re-applies on every session it hands out (`TimeZone`, `DateStyle`), pipelines nothing
    /// across a Sync (PgBouncer 1.18 may hand the session to another client at the first ReadyForQuery while the
    /// next batch is already on the wire), and LISTENs on a direct connection (`listenConnectionString`).
    case pgbouncerTransaction = "pgbouncer-transaction"

    /// Whether every statement of a connection reaches the same server session.
    public var keepsSessions: Bool { self == .none }
}
