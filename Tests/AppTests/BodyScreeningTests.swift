@testable import App
import HTTP1
import HTTPServer
import JSON
import Postgres
import TestSupport
import Testing

/// A body is read only once its route, size, media type and credentials checked out: every refusal here comes
/// while the client has sent the head alone (a reading server would wait for the body and answer nothing).
@Suite(.enabled(if: TestApp.isAvailable)) struct BodyScreeningTests {
    /// Sends `head` and no body; the answer that comes without it, and whether the connection then closes. The
    /// generous timeouts are for a loaded test database; a server that waited for the body would never answer.
    func answerToHead(_ app: TestApp, _ head: String) async throws -> (RawHTTPClient.RawResponse, closed: Bool) {
        let client = try RawHTTPClient(port: app.port)
        try await client.write(head + "\r\n")
        let response = try await client.readResponse(timeout: .seconds(30))
        return (response, await client.waitForClose(timeout: .seconds(30)))
    }

    func code(_ response: RawHTTPClient.RawResponse) -> String? {
        (try? JSONValue.parse(response.body))?["code"]?.stringValue
    }

    @Test func aBodyWithoutCredentialsIsRefusedOnItsHead() async throws {
        try await withTestApp { app in
            let (response, closed) = try await answerToHead(app, "POST /hubs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9000\r\n")
            #expect(response.statusCode == 401)
            #expect(code(response) == "401001")
            #expect(closed)
        }
    }

    @Test func anUnknownAPIKeyIsRefusedBeforeTheBody() async throws {
        try await withTestApp { app in
            let unknown = APIKeys.generate().value
            let (response, closed) = try await answerToHead(app, "POST /hubs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(unknown)\r\nContent-Type: application/json\r\nContent-Length: 9000\r\n")
            #expect(response.statusCode == 401)
            #expect(code(response) == "401002")
            #expect(closed)
        }
    }

    @Test func aBodyOverItsRoutesLimitIs413BeforeItIsRead() async throws {
        try await withTestApp { app in
            let organisation = try await app.createOrganisation()
            let over = RouteBodyLimits.limit(.POST, "/hubs")! + 1
            let (response, closed) = try await answerToHead(app, "POST /hubs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(organisation.apiKey)\r\nContent-Type: application/json\r\nContent-Length: \(over)\r\n")
            #expect(response.statusCode == 413)
            #expect(code(response) == "413000")
            #expect(closed)
        }
    }

    @Test func aBodyInAnotherMediaTypeIs415BeforeItIsRead() async throws {
        try await withTestApp { app in
            let organisation = try await app.createOrganisation()
            let (response, closed) = try await answerToHead(app, "POST /hubs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(organisation.apiKey)\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n")
            #expect(response.statusCode == 415)
            #expect(code(response) == "415001")
            #expect(closed)
        }
    }

    @Test func anAdmittedBodyIsInvitedWith100ContinueAndRead() async throws {
        try await withTestApp { app in
            let organisation = try await app.createOrganisation()
            let client = try RawHTTPClient(port: app.port)
            try await client.write("POST /hubs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(organisation.apiKey)\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
            #expect(try await client.readResponse(timeout: .seconds(30)).statusCode == 100)
            try await client.write("{}")
            let response = try await client.readResponse(timeout: .seconds(30))
            #expect(response.statusCode == 400)
            #expect(code(response) == "400002")  // the body was read and validated
        }
    }

    /// A body sent to a route that takes none is dropped unread by the handler, as before.
    @Test func aBodyOnARouteThatTakesNoneIsDropped() async throws {
        try await withTestApp { app in
            let organisation = try await app.createOrganisation()
            let response = try await app.send(
                .GET, "/o/\(organisation.id)/hubs", headers: organisation.auth, body: Array("ignored".utf8),
                contentType: "text/plain")
            #expect(response.status == 200)
        }
    }

    @Test func metricsShowTheBodyBudget() async throws {
        try await withTestApp { app in
            let metrics = try await app.request(.GET, "/metrics").text
            #expect(metrics.contains("http_request_body_bytes_buffered "))
            #expect(metrics.contains("http_request_body_bytes_limit \(app.context.configuration.server.bodyBudget.ceiling)"))
            #expect(metrics.contains("http_request_body_budget_refusals_total 0"))
        }
    }
}

/// The table names exactly the routes that read a body whole (the proxy's stream): a route missing from it would
/// see every body dropped.
@Suite struct RouteBodyLimitsTests {
    @Test func everyRouteThatTakesABodyIsListedAndEveryListedRouteExists() throws {
        let context = try offlineContext()
        defer { context.database.shutdown() }
        let routes = Set(Application.routeTable(context: context))
        let listed = Set(RouteBodyLimits.routes.map { "\($0.method.rawValue) \($0.template)" })
        #expect(listed.isSubset(of: routes))
        let writes = routes.filter { route in ["POST ", "PUT ", "PATCH "].contains { route.hasPrefix($0) } }
        // The proxy's bodies stream instead (PROXY_MAX_BODY_BYTES).
        let streamed = Set(ProxyRoute.bodyMethods.map { "\($0.rawValue) \(CredentialAccessRoutes.proxy)" })
        #expect(streamed.isSubset(of: routes))
        #expect(writes.subtracting(streamed) == listed)
        #expect(listed.count == RouteBodyLimits.routes.count, "a route listed twice")
        #expect(RouteBodyLimits.routes.allSatisfy { $0.bytes <= ParserLimits().maxBodyBytes })
    }
}
