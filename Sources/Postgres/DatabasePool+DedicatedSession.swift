extension DatabasePool {
    /// Runs `body` on a connection opened for it alone, outside the pool's slots, and closed when it returns:
    /// whatever session state `body` leaves (a session-level advisory lock, a `SET`) ends with the connection
    /// and never reaches another caller. It goes straight to PostgreSQL, as LISTEN does (`DATABASE_LISTEN_URL`
    /// behind a transaction pooler, which keeps no session). `statementTimeout`, when given, replaces the
    /// configured one for this session (a wait for another session's lock, or a migration, may outlast a
    /// request's statement).
    public func withDedicatedSession<T>(
        statementTimeout: Duration? = nil, _ body: (PGConnection) async throws -> T
    ) async throws -> T {
        var configuration = self.configuration.listening
        if let statementTimeout { configuration.statementTimeout = statementTimeout }
        let connection = try await PGConnection.open(configuration: configuration, reactor: reactor, socketWaiter: nil)
        // `PQfinish` runs when the last reference goes, right after `body`.
        return try await body(connection)
    }
}
