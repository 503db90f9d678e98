import JSON
import Postgres

/// Everything a create needs to know before it writes, read in ONE round trip: the hub (in the caller's
/// organisation), the end user (in that hub), the connector (in the organisation; the hub's primary one when
/// none is named), whether the connection name is taken, the referenced credentials — and, with an
/// `Idempotency-Key`, the key's claim: a row marking the request in progress is inserted unless the key already
/// has one, in which case that row (an answer to replay, or a twin still running) comes back instead.
struct CreationTargets: Sendable {
    var hubID: String?
    var primaryConnectorID: String?
    var endUser: EndUserRecord?
    var connectorID: String?
    var nameTaken: Bool
    var referencedCredentials: [String: StoredCredentialSummary]
    /// This request now holds the key (its row is in progress until the write fills in the answer).
    var claimed: Bool
    /// The key's row as it was before this request, if any.
    var storedAnswer: StoredAnswer?

    /// The row of an `Idempotency-Key`: the first answer, or `status` 0 while that request runs.
    struct StoredAnswer: Sendable {
        var requestHash: [UInt8]
        var status: Int
        var headers: JSONObject
        var body: [UInt8]
        /// An answer older than 24 hours, or a claim older than 2 minutes (its request died): the key is free.
        var isExpired: Bool
        var isInProgress: Bool { status == 0 }
    }

    struct Query: Sendable {
        var organisationID: String
        var hubID: String
        var endUser: EndUserLookup
        /// nil: the hub's primary connector (CreateEndUser).
        var connectorID: String?
        var connectionName: String
        var referencedCredentialIDs: [String]
        /// For end-user tokens: a referenced credential must already be bound to one of this end user's
        /// connections, so a token cannot borrow another user's credential by its id.
        var referencesOnlyOwnCredentials: Bool
        var idempotency: IdempotencyKey?
    }

    /// The part of every create's lookup that finds the hub (in the caller's organisation), the connector (the
    /// hub's primary one when none is named), the end user and whether the name is taken: `extraColumns` and
    /// `extraJoins` (with their own parameters) go beside it. One row, whatever was found. As parts, which the
    /// statement joins with its own (`SQL.joining`).
    static func lookupParts(_ query: Query, extraColumns: SQL, extraJoins: SQL) -> [SQL] {
        [SQL("""
            SELECT h.id AS hub_id, h.primary_connector_id, u.id, u.external_id, u.display_name, u.created_at,
                   u.updated_at, k.id AS connector_id,
                   EXISTS (SELECT 1 FROM connections c
                           WHERE c.end_user_id = u.id AND c.connector_id = k.id AND c.name = \(query.connectionName)
                   ) AS name_taken,
            """), extraColumns, SQL("""
            FROM (VALUES (1)) AS one (x)
            LEFT JOIN hubs h ON h.id = \(query.hubID) AND h.organisation_id = \(query.organisationID)
            LEFT JOIN connectors k ON k.organisation_id = \(query.organisationID)
                 AND k.id = coalesce(\(query.connectorID)::text, h.primary_connector_id)
            """), extraJoins,
         SQL("LEFT JOIN end_users u ON u.hub_id = h.id AND"), query.endUser.condition]
    }

    static func read(_ query: Query, on connection: PGConnection) async throws -> CreationTargets {
        let key = query.idempotency
        let claim: SQL = """
            WITH claim AS (
                INSERT INTO idempotency_keys (organisation_id, key, scope, request_hash, status, headers, body)
                SELECT \(query.organisationID), \(key?.key), \(key?.scope), \(key?.requestHash)::bytea, 0, '{}', ''::bytea
                WHERE \(key?.key)::text IS NOT NULL
                ON CONFLICT DO NOTHING
                RETURNING 1
            )
            """
        let sql = SQL.joining([claim] + lookupParts(query, extraColumns: """
                   EXISTS (SELECT 1 FROM claim) AS claimed,
                   (SELECT coalesce(json_agg(json_build_object('id', cr.id, 'name', cr.name, 'type', cr.type,
                                                                 'data', cr.public_data, 'errors', cr.errors)), '[]'::json)
                    FROM credentials cr
                    WHERE cr.id = ANY (ARRAY(SELECT json_array_elements_text(\(JSONValue.strings(query.referencedCredentialIDs).jsonText)::json)))
                      AND cr.organisation_id = \(query.organisationID)
                      AND (NOT \(query.referencesOnlyOwnCredentials)::boolean OR EXISTS (
                           SELECT 1 FROM connection_credentials b JOIN connections c ON c.id = b.connection_id
                           WHERE b.credential_id = cr.id AND c.end_user_id = u.id))
                   ) AS referenced,
                   i.request_hash, i.status, i.headers, i.body,
                   CASE WHEN i.status = 0 THEN i.created_at < now() - interval '2 minutes'
                        ELSE i.created_at <= now() - interval '24 hours' END AS expired
            """, extraJoins: """
            LEFT JOIN idempotency_keys i ON i.organisation_id = \(query.organisationID)
                 AND i.scope = \(key?.scope) AND i.key = \(key?.key)
            """))
        guard let row = try await connection.query(sql).rows.first else {
            throw InvariantViolation("the creation targets statement answered no row")
        }
        return try CreationTargets(row: row)
    }

    init(row: Row) throws {
        hubID = try row.optionalString("hub_id")
        primaryConnectorID = try row.optionalString("primary_connector_id")
        endUser = try row.optionalString("id") == nil ? nil : try EndUserRecord(row: row)
        connectorID = try row.optionalString("connector_id")
        nameTaken = try row.bool("name_taken")
        claimed = try row.bool("claimed")
        var referenced: [String: StoredCredentialSummary] = [:]
        if case .array(let items) = try row.json("referenced") {
            for case .object(let item) in items {
                let summary = try StoredCredentialSummary(aggregated: item)
                referenced[summary.id] = summary
            }
        }
        referencedCredentials = referenced
        if let hash = try row.optionalBytes("request_hash") {
            storedAnswer = StoredAnswer(
                requestHash: hash, status: try row.int("status"), headers: try row.jsonObject("headers"),
                body: try row.bytes("body"), isExpired: try row.bool("expired"))
        }
    }
}

extension StoredCredentialSummary {
    /// From `json_build_object('id','name','type','data','errors')`.
    init(aggregated object: JSONObject) throws {
        guard case .string(let id)? = object["id"], case .string(let name)? = object["name"],
              case .string(let type)? = object["type"], case .object(let data)? = object["data"],
              case .array(let errors)? = object["errors"]
        else { throw InvariantViolation("a referenced credential in column referenced lacks id, name, type, data or errors") }
        self.init(
            id: id, name: name, type: type, publicData: data,
            errors: errors.compactMap { if case .string(let text) = $0 { text } else { nil } })
    }
}
