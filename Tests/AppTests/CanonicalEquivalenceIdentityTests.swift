@testable import App
import Foundation
import HTTP1
import HTTPServer
import JSON
import TestSupport
import Testing

/// Identities compare by bytes, as PostgreSQL compares them, not with Swift's `==`, which holds for canonically
/// equivalent strings ("Kate" and "\u{212A}ate" with a KELVIN SIGN, "é" and "e\u{301}"): a token whose subject is
/// the other form of a victim's external id must not act on the victim. Over the real server.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct CanonicalEquivalenceIdentityTests {
    /// Each pair in both orders: (victim's external id, attacker's token subject).
    static let pairs: [(String, String)] = [
        ("Kate", "\u{212A}ate"), ("\u{212A}ate", "Kate"), ("\u{E9}", "e\u{301}"), ("e\u{301}", "\u{E9}"),
    ]

    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    @Test(arguments: 0..<pairs.count)
    func aTokenForTheOtherFormOfAnExternalIDIsForbidden(_ index: Int) async throws {
        let (victim, attacker) = Self.pairs[index]
        #expect(victim == attacker, "Swift treats the pair as equal, which is the point")
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant(signingKey: true)
            _ = try await app.createEndUser(tenant, externalID: victim, secret: "victim-secret")
            let auth = try tenant.endUserAuth(attacker)
            let path = "/hubs/\(tenant.hubID)/users/\(Self.pathSegment(victim))"
            let read = await app.request(.GET, path, auth: auth)
            #expect(read.status == 403, "\(read.text)")
            #expect(read.errorCode == "403001")
            let list = await app.request(.GET, path + "/connections", auth: auth)
            #expect(list.status == 403, "\(list.text)")
            let before = try await app.rowCounts(tenant.organisationID)
            let create = await app.request(
                .POST, path + "/connections", auth: auth, json: Bodies.create(connectorID: tenant.connectorID))
            #expect(create.status == 403, "\(create.text)")
            #expect(try await app.rowCounts(tenant.organisationID) == before)
            // The victim's own token, byte for byte, still works.
            let own = await app.request(.GET, path, auth: try tenant.endUserAuth(victim))
            #expect(own.status == 200, "\(own.text)")
        }
    }

    /// An auth scheme config id in a path names the config whose id has the same bytes, as the in-use check
    /// in SQL does: otherwise DELETE of "\u{212A}ate" removed "Kate" although the SQL found no hub using it.
    @Test func anAuthSchemeConfigIDMatchesOnlyByteForByte() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let connector = "/o/\(tenant.organisationID)/connectors/\(tenant.connectorID)"
            let put = await app.request(
                .PUT, connector + "/auth-scheme-configs/Kate", auth: tenant.auth, json: Bodies.apiKeyScheme("Kate"))
            #expect(put.status == 200, "\(put.text)")
            let kelvin = connector + "/auth-scheme-configs/" + Self.pathSegment("\u{212A}ate")
            let delete = await app.request(.DELETE, kelvin, auth: tenant.auth)
            #expect(delete.status == 404, "\(delete.text)")
            let replace = await app.request(.PUT, kelvin, auth: tenant.auth, json: Bodies.apiKeyScheme("Kate"))
            #expect(replace.status == 400, "\(replace.text)")
            #expect(replace.errorFields == ["id"])
            let read = await app.request(.GET, connector, auth: tenant.auth)
            let ids = (read["authSchemeConfigs"].map { value -> [String] in
                guard case .array(let items) = value else { return [] }
                return items.compactMap { $0["id"]?.stringValue }
            }) ?? []
            #expect(ids.map { Array($0.utf8) } == [Array("key-1".utf8), Array("Kate".utf8)])
        }
    }

    /// A ULID may hold K; its KELVIN SIGN form is the same organisation to Swift's `==`, not to the database.
    @Test func anOrganisationIDInAPathMatchesOnlyByteForByte() throws {
        let organisationID = "01KZ0000000000000000000000"
        var request = Request(method: .GET, target: "/o/x/protocols/http/connectors", headers: [:], body: [])
        request.parameters = ["organisation_id": organisationID.replacingOccurrences(of: "K", with: "\u{212A}")]
        let principal = Principal.organisation(organisationID: organisationID, apiKeyID: "k")
        #expect(throws: APIError.self) { try TenantGuard.organisation(request, principal) }
        request.parameters = ["organisation_id": organisationID]
        #expect(try TenantGuard.organisation(request, principal) == organisationID)
    }
}
