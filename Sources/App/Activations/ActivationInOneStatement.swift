import Domain
import JSON
import Postgres

/// ActivateIntegration's write when every entry binds an existing connection (nothing to exchange or seal): one
/// statement, atomic on its own, so it goes through the write path and may commit with other requests' writes.
/// It locks the bound connections against deletion (`FOR KEY SHARE`: the deferred key on
/// `activation_connections` then holds at commit), writes the activation only while the integration is deployed,
/// every connection is the end user's and of its template's connector and no activation of the pair exists, then
/// the links and the `activation.created` event; and it reads what the answer needs (the end user's primary
/// connection) and, when it wrote nothing, what tells why.
enum ActivationInOneStatement {
    struct Outcome: Sendable {
        var written: Bool
        /// As the statement saw them.
        var deployed: Bool
        var activatedBefore: Bool
        /// The end user's connections among the wanted ones: id to connector id.
        var bound: [String: String]
        var primaryConnection: StoredConnection?

        /// The refusal for a statement that wrote nothing, in the order the two-step path checks: deployment
        /// (409009), an earlier activation (409008), the connections (404005, 400022); otherwise a twin request
        /// committed the pair's activation after this statement's snapshot (409008).
        func refusal(_ wanted: [ExistingConnections.Wanted]) -> APIError {
            if !deployed { return .integrationNotDeployed }
            if activatedBefore { return .activationExists }
            return ExistingConnections.refusal(wanted, found: bound) ?? .activationExists
        }
    }

    static func run(
        id: String, organisationID: String, integration: IntegrationRecord, endUserID: String,
        wanted: [ExistingConnections.Wanted], variables: JSONObject, at now: Timestamp,
        on database: some StatementRunning
    ) async throws -> Outcome {
        let links = JSONValue.array(wanted.map {
            ["template_id": .string($0.templateID), "connection_id": .string($0.connectionID), "connector_id": .string($0.connectorID)]
        })
        let created = now.rfc3339
        let head: SQL = """
            WITH wanted AS (
                SELECT w.template_id, w.connection_id, w.connector_id
                FROM json_to_recordset(\(links.jsonText)::json) AS w (template_id text, connection_id text, connector_id text)
            ), bound AS (
                SELECT c.id, c.connector_id FROM connections c
                WHERE c.id IN (SELECT connection_id FROM wanted)
                  AND c.end_user_id = \(endUserID) AND c.organisation_id = \(organisationID)
                FOR KEY SHARE OF c
            ), activation AS (
                INSERT INTO activations (id, organisation_id, hub_id, integration_id, end_user_id, dynamic_variables,
                                         created_at, updated_at)
                SELECT \(id), \(organisationID), \(integration.hubID), \(integration.id), \(endUserID),
                       \(JSONValue.object(variables).jsonText)::json, \(created)::timestamptz, \(created)::timestamptz
                WHERE EXISTS (SELECT 1 FROM integrations WHERE id = \(integration.id) AND is_deployed)
                  AND NOT EXISTS (SELECT 1 FROM wanted w
                                  LEFT JOIN bound b ON b.id = w.connection_id AND b.connector_id = w.connector_id
                                  WHERE b.id IS NULL)
                ON CONFLICT ON CONSTRAINT activations_one_per_end_user DO NOTHING
                RETURNING id, hub_id, integration_id, end_user_id
            ), links AS (
                INSERT INTO activation_connections (activation_id, template_id, connection_id, organisation_id)
                SELECT a.id, w.template_id, w.connection_id, \(organisationID) FROM activation a CROSS JOIN wanted w
            ),
            """
        let tail: SQL = """
            SELECT (SELECT count(*) FROM activation) = 1 AS written,
                   EXISTS (SELECT 1 FROM integrations WHERE id = \(integration.id) AND is_deployed) AS deployed,
                   EXISTS (SELECT 1 FROM activations WHERE integration_id = \(integration.id) AND end_user_id = \(endUserID))
                       AS activated_before,
                   (SELECT coalesce(json_object_agg(id, connector_id), '{}'::json) FROM bound) AS bound,
            """
        let sql = SQL.joining(
            [head] + ActivationEvents.createdInsertion(fromActivation: "activation", organisationID: organisationID, at: now)
                + [tail, primaryConnection(of: endUserID)])
        let rows = try await database.query(sql).rows
        guard let first = rows.first else { throw InvariantViolation("the activation statement answered no row") }
        var bound: [String: String] = [:]
        for (connectionID, connectorID) in try first.jsonObject("bound") {
            bound[connectionID] = connectorID.stringValue
        }
        return Outcome(
            written: try first.bool("written"), deployed: try first.bool("deployed"),
            activatedBefore: try first.bool("activated_before"), bound: bound,
            primaryConnection: try StoredConnection.decode(rows))
    }

    /// The columns of the end user's primary connection (as `ActivationRecord.primaryConnection`), a row per
    /// binding, with at least one row when there is none.
    private static func primaryConnection(of endUserID: String) -> SQL {
        SQL.joining([
            SQL(unsafe: "\(StoredConnection.columns) FROM (SELECT 1) AS one LEFT JOIN connections c ON c.id ="),
            ActivationRecord.primaryConnectionID(of: endUserID),
            SQL(unsafe: StoredConnection.bindingJoins),
        ])
    }
}
