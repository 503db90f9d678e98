// TEMPORARY until the Domain module is merged (about 06:50 UTC): the few Domain names this code uses, with the
// same spelling, so the App compiles meanwhile. Deleted at the merge.
import JSON
#if canImport(Glibc)
import Glibc
#endif

struct Timestamp: Sendable, Hashable {
    var microsecondsSinceEpoch: Int64
    static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }
    var rfc3339: String { fatalError("pending Domain") }
}

struct ULID: Sendable, Hashable {
    let string: String
    init?(_ text: String) { string = text }
    static func generate() -> ULID { fatalError("pending Domain") }
}

/// Replaced at the merge by `Routes/DomainAdapter.swift`, which maps Domain's decoders onto these drafts.
enum DomainAdapter {
    static func createConnectionBody(
        _ body: JSONObject, context: AppContext, organisationID: String
    ) throws(APIError) -> (connectorID: String, draft: ConnectionDraft) {
        throw APIError(.notImplemented, "pending Domain")
    }
    static func endUserCreateBody(
        _ body: JSONObject, context: AppContext, organisationID: String
    ) throws(APIError) -> (externalID: String, displayName: String, draft: ConnectionDraft) {
        throw APIError(.notImplemented, "pending Domain")
    }
    static func exchangedToken(name: String, data: JSONObject, context: AppContext) throws(APIError) -> NewCredentialDraft {
        throw APIError(.notImplemented, "pending Domain")
    }
}
