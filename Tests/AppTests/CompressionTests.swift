@testable import App
import HTTP1
import HTTPServer
import JSON
import TestSupport
import Testing

/// gzip over a real socket and database: request bodies inflated under the route's limit, refused precisely when
/// they cannot be, with nothing written; answers gzipped when asked, HEAD alike.
@Suite(.enabled(if: TestApp.isAvailable)) struct CompressionTests {
    func hubBody(_ org: TestOrganisation, connector: String, name: String) -> [UInt8] {
        let body: JSONValue = [
            "organisationId": .string(org.id), "name": .string(name), "primaryConnectorId": .string(connector),
            "authSchemeConfig": ["id": "none-1", "description": "", "schemeType": "none"],
        ]
        return body.serialized()
    }

    func postHub(_ app: TestApp, _ org: TestOrganisation, body: [UInt8], coding: String = "gzip") async throws -> TestResponse {
        var headers = org.auth
        headers.add(name: "Content-Encoding", value: coding)
        return try await app.send(.POST, "/hubs", headers: headers, body: body, contentType: "application/json")
    }

    func hubCount(_ app: TestApp, _ org: TestOrganisation) async throws -> Double? {
        try await app.expect(200, .GET, "/o/\(org.id)/hubs", org)["totalCount"]?.numberValue
    }

    @Test func aGzipBodyIsInflatedForTheHandler() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let created = try await postHub(app, org, body: Gzip.compress(hubBody(org, connector: connector, name: "zipped"), level: 6))
            #expect(created.status == 201)
            #expect(created["name"] == "zipped")
            let upper = try await postHub(app, org, body: Gzip.compress(hubBody(org, connector: connector, name: "x"), level: 1), coding: "X-GZIP")
            #expect(upper.status == 201)
            #expect(try await hubCount(app, org) == 2)
        }
    }

    /// 10 MB of JSON in a 10 KB body: refused as too large after inflating 16 KiB + 1 byte, not 10 MB.
    @Test func aBombIs413AndWritesNothing() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let huge = Array(#"{"name":""#.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 10_000_000) + Array(#""}"#.utf8)
            let bomb = Gzip.compress(huge, level: 9)
            #expect(bomb.count < RouteBodyLimits.limit(.POST, "/hubs")!)
            let response = try await postHub(app, org, body: bomb)
            #expect(response.status == 413)
            #expect(response.errorCode == "413000")
            #expect(response["message"]?.stringValue?.contains("inflates") == true)
            #expect(try await hubCount(app, org) == 0)
        }
    }

    @Test func truncatedAndCorruptBodiesAre400AndWriteNothing() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let good = Gzip.compress(hubBody(org, connector: connector, name: "never"), level: 6)
            let truncated = try await postHub(app, org, body: Array(good.dropLast(9)))
            #expect(truncated.status == 400 && truncated.errorCode == "400050")
            #expect(truncated["message"]?.stringValue?.contains("truncated") == true)
            var flipped = good
            flipped[flipped.count - 6] ^= 0x55  // the CRC-32 no longer matches
            let corrupt = try await postHub(app, org, body: flipped)
            #expect(corrupt.status == 400 && corrupt.errorCode == "400050")
            #expect(corrupt["message"]?.stringValue?.contains("corrupt") == true)
            let notGzip = try await postHub(app, org, body: hubBody(org, connector: connector, name: "never"))
            #expect(notGzip.status == 400 && notGzip.errorCode == "400050")
            #expect(try await hubCount(app, org) == 0)
        }
    }

    @Test(arguments: ["br", "deflate", "gzip, gzip", "compress"])
    func anotherCodingIs415NamingGzip(coding: String) async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let response = try await postHub(app, org, body: hubBody(org, connector: connector, name: "never"), coding: coding)
            #expect(response.status == 415)
            #expect(response.errorCode == "415002")
            #expect(response.headers["Accept-Encoding"] == "gzip")
            #expect(try await hubCount(app, org) == 0)
        }
    }

    /// A body that came whole with its head is inflated only for a known sender, in JSON.
    @Test func credentialsAndMediaTypeComeBeforeTheCoding() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            var headers: HeaderFields = ["Authorization": "Bearer \(APIKeys.generate().value)", "Content-Encoding": "gzip"]
            let unknownKey = try await app.send(.POST, "/hubs", headers: headers, body: [0x1F, 0x8B, 0], contentType: "application/json")
            #expect(unknownKey.status == 401 && unknownKey.errorCode == "401002")
            headers = org.auth
            headers.add(name: "Content-Encoding", value: "gzip")
            let text = try await app.send(.POST, "/hubs", headers: headers, body: [0x1F, 0x8B, 0], contentType: "text/plain")
            #expect(text.status == 415 && text.errorCode == "415001")
            #expect(try await hubCount(app, org) == 0)
        }
    }

    /// Before the body is read, like a wrong media type: the client has sent the head alone.
    @Test func anotherCodingIsRefusedOnTheHead() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let client = try RawHTTPClient(port: app.port)
            try await client.write("POST /hubs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(org.apiKey)\r\nContent-Type: application/json\r\nContent-Encoding: br\r\nContent-Length: 9000\r\n\r\n")
            let response = try await client.readResponse(timeout: .seconds(30))
            #expect(response.statusCode == 415)
            #expect(response.header("Accept-Encoding") == "gzip")
        }
    }

    /// A list of 30 hubs (over 8 KiB: compressed off the loop) and the same list small enough to stay below the
    /// threshold after one hub; HEAD answers GET's headers.
    @Test func answersAreGzippedWhenAsked() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            _ = try await app.createHub(org, connectorID: connector, name: "first")
            var gzip = org.auth
            gzip.add(name: "Accept-Encoding", value: "gzip;q=1, identity;q=0.5")
            let small = try await app.request(.GET, "/o/\(org.id)/hubs?first=1", headers: gzip)
            #expect(small.body.count < 1024)
            #expect(small.status == 200 && small.headers["Content-Encoding"] == nil && small.headers["Vary"] == nil)

            for index in 0..<30 { _ = try await app.createHub(org, connectorID: connector, name: "hub \(index)") }
            let plain = try await app.expect(200, .GET, "/o/\(org.id)/hubs?first=100", org)
            #expect(plain.body.count > ResponseCompression.offLoopBytes)
            #expect(plain.headers["Content-Encoding"] == nil && plain.headers["Vary"] == "Accept-Encoding")
            let zipped = try await app.request(.GET, "/o/\(org.id)/hubs?first=100", headers: gzip)
            #expect(zipped.status == 200)
            #expect(zipped.headers["Content-Encoding"] == "gzip" && zipped.headers["Vary"] == "Accept-Encoding")
            #expect(zipped.body.count * 3 < plain.body.count)
            #expect(try Gzip.decompress(zipped.body, limit: 1 << 20) == plain.body)
            let head = try await app.request(.HEAD, "/o/\(org.id)/hubs?first=100", headers: gzip)
            #expect(head.status == 200 && head.body.isEmpty)
            #expect(head.headers["Content-Encoding"] == "gzip" && head.headers["Vary"] == "Accept-Encoding")
            #expect(head.headers["Content-Length"] == String(zipped.body.count))
        }
    }

    @Test func theAPIDocumentIsServedGzipped() async throws {
        try await withTestApp { app in
            let plain = try await app.request(.GET, "/openapi.yaml")
            let zipped = try await app.request(.GET, "/openapi.yaml", headers: ["Accept-Encoding": "gzip"])
            #expect(zipped.headers["Content-Encoding"] == "gzip" && zipped.headers["Vary"] == "Accept-Encoding")
            #expect(try Gzip.decompress(zipped.body, limit: 1 << 24) == plain.body)
            let healthz = try await app.request(.GET, "/healthz", headers: ["Accept-Encoding": "gzip"])
            #expect(healthz.headers["Content-Encoding"] == nil && healthz.headers["Vary"] == nil)
        }
    }
}
