import CLibPQ

/// Statement texts this connection has prepared, with their server-side names. Bounded: once full, new texts
/// simply run unprepared, so dynamic SQL can never grow a connection's memory without limit.
struct PreparedStatementCache {
    private var names: [StatementKey: String] = [:]
    /// The result columns of each prepared statement, by name, as its last run returned them: they are fixed
    /// until DDL changes them, which fails the statement (0A000) and has it forgotten and prepared afresh.
    var layouts: [String: ColumnLayout] = [:]
    private var nextNumber = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func name(for text: String) -> String? { names[StatementKey(text)] }

    /// The name `text` runs under, and whether it is new (to be prepared before it first runs); nil to run it
    /// unprepared (not a plain data statement, or the cache is full).
    mutating func name(preparing sql: SQL) -> (name: String, isNew: Bool)? {
        let text = sql.text
        let key = StatementKey(text, digest: sql.digest)
        if let known = names[key] { return (known, false) }
        guard names.count < capacity, Self.isCacheable(text) else { return nil }
        nextNumber += 1
        let name = "ea_\(nextNumber)"
        names[key] = name
        return (name, true)
    }

    mutating func forget(_ text: String) {
        if let name = names.removeValue(forKey: StatementKey(text)) { layouts[name] = nil }
    }

    /// Only plain data statements are worth preparing; DDL, SET, BEGIN … go unprepared.
    static func isCacheable(_ text: String) -> Bool {
        let keyword = text.utf8.drop { $0 == 32 || $0 == 10 || $0 == 9 || $0 == 13 || $0 == 40 }.prefix(6)
        let word = String(decoding: keyword, as: UTF8.self).lowercased()
        return ["select", "insert", "update", "delete", "with", "values"].contains { word.hasPrefix($0) }
    }
}

/// A statement text as a dictionary key, hashed once by `ByteHash`: texts run to a kilobyte and one is looked up
/// for every statement. Equal digests still compare the texts, so a collision costs a comparison, never a wrong
/// statement.
struct StatementKey: Hashable {
    let text: String
    let digest: UInt64

    init(_ text: String, digest: UInt64? = nil) {
        self.text = text
        self.digest = digest ?? ByteHash.of(text)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(digest) }
    static func == (lhs: StatementKey, rhs: StatementKey) -> Bool { lhs.digest == rhs.digest && lhs.text == rhs.text }
}

extension PGConnection {
    /// The prepared statement's name for `sql`, preparing it first if needed; nil to run it unprepared.
    func preparedName(for sql: SQL, until deadline: ContinuousClock.Instant) async throws(DatabaseError) -> String? {
        guard let (name, isNew) = statementCache.name(preparing: sql) else { return nil }
        guard isNew else { return name }
        do {
            let sent = PQsendPrepare(handle, name, sql.text, Int32(sql.binds.count), nil)
            _ = try await exchange(sent: sent, until: deadline)
        } catch {
            statementCache.forget(sql.text)
            throw error
        }
        return name
    }
}
