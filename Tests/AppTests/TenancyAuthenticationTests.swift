@testable import App
import Domain
import HTTP1
import HTTPServer
import JSON
import Postgres
import TestSupport
import Testing

/// 401 and 403 answers over a real server and database.
@Suite(.enabled(if: TestApp.isAvailable)) struct TenancyAuthenticationTests {
    @Test func missingCredentialsAre401WithChallenge() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let twice = HeaderFields([("Authorization", "Bearer \(org.apiKey)"), ("Authorization", "Bearer \(org.apiKey)")])
            for headers: HeaderFields in [[:], ["Authorization": "Basic dXNlcjpwYXNz"], ["Authorization": "Bearer"], twice] {
                let response = try await app.request(.GET, "/o/\(org.id)/hubs", headers: headers)
                #expect(response.status == 401)
                #expect(response.errorCode == "401001")
                #expect(response.headers["WWW-Authenticate"]?.contains("Bearer") == true)
                #expect(response.headers["WWW-Authenticate"]?.contains("JWT") == true)
            }
        }
    }

    @Test func wrongAPIKeysAre401() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let lookalike = "eak_" + String(org.apiKey.dropFirst(4).reversed())
            for key in ["nope", lookalike, org.apiKey + "x", org.apiKey.lowercased()] where key != org.apiKey {
                let response = try await app.request(.GET, "/o/\(org.id)/hubs", headers: ["Authorization": "Bearer \(key)"])
                #expect(response.status == 401)
                #expect(response.errorCode == "401002")
                #expect(response.headers["WWW-Authenticate"] != nil)
                #expect(!response.text.contains(key))
            }
            #expect(try await app.request(.GET, "/o/\(org.id)/hubs", headers: org.auth).status == 200)
        }
    }

    @Test func revokedKeyStopsAtOnce() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let second = try await OperatorCommands.makeAPIKey(organisationID: org.id, database: app.context.database)
            let auth: HeaderFields = ["Authorization": "Bearer \(second.apiKey.value)"]
            // The key is now served from memory: the revocation must reach the cache, not only the table.
            #expect(try await Self.isCachedAfterUse(app, key: second.apiKey.value, organisationID: org.id))
            try await OperatorCommands.revokeAPIKey(id: second.apiKeyID, database: app.context.database)
            // Exact up to the notification's delivery (the listener reads it as soon as the UPDATE commits; well
            // under a millisecond here), so allow that much and no more than a second.
            let revokedAt = ContinuousClock.now
            var refused = try await app.request(.GET, "/o/\(org.id)/hubs", headers: auth)
            while refused.status == 200 && ContinuousClock.now - revokedAt < .seconds(1) {
                try await Task.sleep(for: .milliseconds(2))
                refused = try await app.request(.GET, "/o/\(org.id)/hubs", headers: auth)
            }
            #expect(refused.status == 401 && refused.errorCode == "401002")
            #expect(app.context.apiKeys.entry(for: APIKeys.hash(second.apiKey.value)) == nil)
            // The first key is untouched, and revoking twice is reported.
            #expect(try await app.request(.GET, "/o/\(org.id)/hubs", headers: org.auth).status == 200)
            await #expect(throws: OperatorError.apiKeyNotFound) {
                try await OperatorCommands.revokeAPIKey(id: second.apiKeyID, database: app.context.database)
            }
        }
    }

    /// Uses `key` until the cache holds it. Suites running beside this one change `api_keys` too, and each change
    /// empties the cache, so one request may not leave the key cached; one of a few dozen will.
    static func isCachedAfterUse(_ app: TestApp, key: String, organisationID: String) async throws -> Bool {
        for _ in 0..<50 {
            let response = try await app.request(.GET, "/o/\(organisationID)/hubs", headers: ["Authorization": "Bearer \(key)"])
            guard response.status == 200 else { return false }
            if app.context.apiKeys.entry(for: APIKeys.hash(key)) != nil { return true }
        }
        return false
    }

    @Test func deletedKeysAndOrganisationsAreForgottenToo() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            #expect(try await Self.isCachedAfterUse(app, key: org.apiKey, organisationID: org.id))
            // A cascade from the organisation fires the api_keys trigger like a direct change.
            try await app.context.database.withConnection { connection in
                _ = try await connection.query("DELETE FROM organisations WHERE id = \(org.id)")
            }
            let deletedAt = ContinuousClock.now
            while app.context.apiKeys.entry(for: APIKeys.hash(org.apiKey)) != nil && ContinuousClock.now - deletedAt < .seconds(1) {
                try await Task.sleep(for: .milliseconds(2))
            }
            let refused = try await app.request(.GET, "/o/\(org.id)/hubs", headers: org.auth)
            #expect(refused.status == 401 && refused.errorCode == "401002")
        }
    }

    @Test func operatorCommandsPrintTheKeyOnceAndRefuseUnknownOrganisations() async throws {
        try await withTestApp { app in
            let made = try await OperatorCommands.createOrganisation(name: "Printed", database: app.context.database)
            let key = try #require(made["apiKey"]?.stringValue)
            let organisationID = try #require(made["organisationId"]?.stringValue)
            #expect(try await app.request(.GET, "/o/\(organisationID)/hubs", headers: ["Authorization": "Bearer \(key)"]).status == 200)
            let another = try await OperatorCommands.createAPIKey(organisationID: organisationID, database: app.context.database)
            #expect(another["apiKey"]?.stringValue?.hasPrefix("eak_") == true)
            await #expect(throws: OperatorError.organisationNotFound) {
                try await OperatorCommands.createAPIKey(organisationID: ULID.generate().string, database: app.context.database)
            }
            await #expect(throws: OperatorError.invalidName) {
                try await OperatorCommands.createOrganisation(name: "  ", database: app.context.database)
            }
        }
    }

    /// `/integrations/:id` is for API keys: a token that authenticates answers 403 there, one that does not 401.
    @Test func validEndUserTokenAuthenticates() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let key = try await app.createSigningKey(org)
            let response = try await app.request(.GET, "/integrations/\(ULID.generate().string)", headers: try key.auth(subject: "user-1"))
            #expect(response.status == 403 && response.errorCode == "403001")
        }
    }

    @Test func expiredAndNotYetValidTokensAre401() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let key = try await app.createSigningKey(org)
            let expired = try await app.request(.GET, "/integrations/\(ULID.generate().string)", headers: try key.auth(subject: "u", expiresIn: -3600))
            #expect(expired.status == 401 && expired.errorCode == "401003")
            #expect(expired.headers["WWW-Authenticate"] != nil)
            let now = (Double(Timestamp.now().microsecondsSinceEpoch) / 1_000_000)
            let early = try key.token(claims: [
                "iss": .string("x/sk/\(key.id)"), "sub": "u", "nbf": .number(now + 3600), "exp": .number(now + 7200),
            ])
            let notYet = try await app.request(.GET, "/integrations/\(ULID.generate().string)", headers: ["Authorization": "JWT \(early)"])
            #expect(notYet.status == 401 && notYet.errorCode == "401003")
            // Within the clock skew (60 s by default) an just-expired token still passes.
            let recent = try await app.request(.GET, "/integrations/\(ULID.generate().string)", headers: try key.auth(subject: "u", expiresIn: -5))
            #expect(recent.status == 403 && recent.errorCode == "403001")
        }
    }

    @Test func clockSkewIsConfigurable() async throws {
        try await withIsolatedTestApp(configure: { $0.jwtClockSkewSeconds = 0 }) { app in
            let org = try await app.createOrganisation()
            let key = try await app.createSigningKey(org)
            let response = try await app.request(.GET, "/integrations/\(ULID.generate().string)", headers: try key.auth(subject: "u", expiresIn: -5))
            #expect(response.status == 401 && response.errorCode == "401003")
        }
    }

    @Test func tokenSignedByAnotherKeyIs401() async throws {
        try await withTestApp { app in
            let first = try await app.createOrganisation()
            let second = try await app.createOrganisation()
            let firstKey = try await app.createSigningKey(first)
            let foreignKey = try await app.createSigningKey(second)
            // Claims name the first organisation's key but the signature is by the second's private key.
            let forged = TestSigningKey(id: firstKey.id, privateKeyPEM: foreignKey.privateKeyPEM)
            let response = try await app.request(.GET, "/integrations/\(ULID.generate().string)", headers: try forged.auth(subject: "u"))
            #expect(response.status == 401 && response.errorCode == "401003")
        }
    }

    @Test func algNoneAndHMACTokensAre401() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let key = try await app.createSigningKey(org)
            let claims: JSONValue = ["iss": .string("x/sk/\(key.id)"), "sub": "u"]
            let signed = try key.token(claims: claims)
            let parts = signed.split(separator: ".")
            let none = try key.token(claims: claims, header: ["alg": "none"]).split(separator: ".")
            let hs256 = try key.token(claims: claims, header: ["alg": "HS256"])
            for token in ["\(none[0]).\(none[1]).", "\(none[0]).\(none[1]).\(parts[2])", hs256] {
                let response = try await app.request(.GET, "/integrations/\(ULID.generate().string)", headers: ["Authorization": "JWT \(token)"])
                #expect(response.status == 401 && response.errorCode == "401003")
            }
        }
    }

    @Test func deletedSigningKeyStopsItsTokensAtOnce() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let key = try await app.createSigningKey(org)
            let auth = try key.auth(subject: "u")
            #expect(try await app.request(.GET, "/integrations/\(ULID.generate().string)", headers: auth).status == 403)
            try await app.expect(204, .DELETE, "/organisations/\(org.id)/keys/\(key.id)", org)
            let response = try await app.request(.GET, "/integrations/\(ULID.generate().string)", headers: auth)
            #expect(response.status == 401 && response.errorCode == "401003")
        }
    }

    @Test func endUserTokenOnOrganisationRoutesIs403() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let key = try await app.createSigningKey(org)
            let hub = try await app.createHub(org)
            let auth = try key.auth(subject: "u")
            for (method, path) in [(HTTPMethod.GET, "/hubs/\(hub)"), (.DELETE, "/hubs/\(hub)"), (.GET, "/o/\(org.id)/connectors")] {
                let response = try await app.request(method, path, headers: auth)
                #expect(response.status == 403 && response.errorCode == "403001")
            }
            try await app.expect(200, .GET, "/hubs/\(hub)", org)
        }
    }

    /// A stand-in for the end-user routes: `EndUserScope` lets a token act on its own user only.
    @Test func endUserScopeRefusesAnotherUsersPath() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let key = try await app.createSigningKey(org)
            var router = Router()
            router.on(.GET, "/fake/:user_id", context: app.context, access: .organisationOrEndUser) { request, principal in
                try EndUserScope.check(principal, owns: request.parameters["user_id"] ?? "")
                return .json(.ok, ["ok": true])
            }
            func call(_ user: String, _ headers: HeaderFields) async throws -> Int {
                var request = Request(method: .GET, target: "/fake/\(user)", headers: headers)
                guard case .found(let handler, let parameters, _) = router.match(method: .GET, path: request.path) else { return 0 }
                request.parameters = parameters
                do { return try await handler(request).status.code } catch let error as APIError { return error.code.rawValue }
            }
            #expect(try await call("alice", try key.auth(subject: "alice")) == 200)
            #expect(try await call("bob", try key.auth(subject: "alice")) == 403001)
            #expect(try await call("bob", org.auth) == 200)
        }
    }
}
