import Domain
import JSON
import Locking
import Postgres

/// An integration as activations and the Embed operations read it (they never write one).
extension IntegrationRecord {
    /// The integration `id` of the organisation, or nil.
    static func find(id: String, organisationID: String, on database: some StatementRunning) async throws -> IntegrationRecord? {
        let rows = try await database.query(SQL.joining([
            SQL(unsafe: "SELECT \(aliasedColumns) FROM integrations i"),
            "WHERE i.id = \(id) AND i.organisation_id = \(organisationID)",
        ])).rows
        return try rows.first.map { try IntegrationRecord(row: $0, columns: .integration) }
    }

    /// The schema its variables are checked against; nil when it has none. A stored schema compiled when it was
    /// stored, so one that no longer does is a broken invariant, not the client's error.
    func compiledSchema() throws -> JSONSchema? {
        guard let variablesSchema, !variablesSchema.isNull else { return nil }
        if let known = Self.compiled.withLock({ $0[id] }), known.source == variablesSchema { return known.schema }
        let schema: JSONSchema
        do {
            schema = try JSONSchema(compiling: variablesSchema, at: "variablesSchema")
        } catch {
            throw InvariantViolation("the stored variablesSchema of an integration does not compile")
        }
        Self.compiled.withLock { compiled in
            if compiled.count >= Self.compiledCapacity { compiled.removeAll(keepingCapacity: true) }
            compiled[id] = (variablesSchema, schema)
        }
        return schema
    }

    /// Each integration's schema as last compiled, with the source it was compiled from: every activation and
    /// variables update checks against it, and comparing the stored source is cheaper than compiling it again.
    /// Bounded: when full it starts afresh.
    private static let compiled = Locked<[String: (source: JSONValue, schema: JSONSchema)]>([:])
    private static let compiledCapacity = 1024
}
