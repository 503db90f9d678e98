import HTTP1
import HTTPServer
import Testing
import TestSupport

struct Boom: Error {}

@Suite struct RoutingTests {
    let responder: RouterResponder = {
        var router = Router()
        router.on(.GET, "/hubs/:hub_id") { request in
            #expect(request.route == "/hubs/:hub_id")
            return Response(status: .ok, body: Array("hub \(request.parameters["hub_id"] ?? "?")".utf8))
        }
        router.on(.DELETE, "/hubs/:hub_id") { _ in Response(status: .noContent) }
        router.on(.POST, "/boom") { _ in throw Boom() }
        // Answers whether it ran outside any task: on the event loop's thread, in place.
        router.onImmediate(.GET, "/ping") { request in
            let inPlace = withUnsafeCurrentTask { $0 == nil }
            return Response(status: .ok, body: Array("pong \(inPlace) \(request.route ?? "-")".utf8))
        }
        return RouterResponder(router: router) { error, request in
            Response(status: .internalServerError, body: Array("mapped \(error is Boom) \(request.route ?? "-")".utf8))
        }
    }()

    @Test func routesWithParameters() async throws {
        let response = await responder.respond(to: Request(method: .GET, target: "/hubs/h%201"))
        #expect(response.status == .ok)
        #expect(String(decoding: response.body, as: UTF8.self) == "hub h 1")
    }

    @Test func answers404ForUnknownPath() async throws {
        let response = await responder.respond(to: Request(method: .GET, target: "/nothing"))
        #expect(response.status == .notFound)
    }

    /// RFC 9110 §15.5.6: a method the server has (POST, for /boom) but this path lacks.
    @Test func answers405WithAllow() async throws {
        let response = await responder.respond(to: Request(method: .POST, target: "/hubs/1"))
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "GET, DELETE, HEAD")
    }

    /// RFC 9110 §9.1: a method no route answers is 501 on any path, existing or not, whatever its spelling.
    @Test(arguments: ["PUT", "BREW", "get", "DELETES", "PROPPATCHPROPPATCH"])
    func answers501ForAMethodNoRouteAnswers(_ method: String) async throws {
        for target in ["/hubs/1", "/nothing", "/ping"] {
            let response = await responder.respond(to: Request(method: HTTPMethod(rawValue: method), target: target))
            #expect(response.status == .notImplemented, "\(method) \(target)")
        }
    }

    /// RFC 9110 §9.3.7: `OPTIONS *` is about the server: 200, `Allow` with every method it implements, no body.
    @Test func answersOptionsAsteriskWithTheServersMethods() async throws {
        let request = Request(method: .OPTIONS, target: "*")
        for response in [await responder.respond(to: request), responder.respondImmediately(to: request)?.response] {
            #expect(response?.status == .ok)
            #expect(response?.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, POST")
            #expect(response?.body == [])
        }
        #expect(responder.respondImmediately(to: request)?.route == "*")
        // A path is a resource: OPTIONS there is a method it lacks.
        #expect(await responder.respond(to: Request(method: .OPTIONS, target: "/hubs/1")).status == .methodNotAllowed)
    }

    /// A path parameter decoding to NUL would be cut short by libpq (`alice%00x` read as `alice`).
    @Test func nulInAPathOrQueryParameterIs400NamingIt() async throws {
        let path = await responder.respond(to: Request(method: .GET, target: "/hubs/alice%00x"))
        #expect(path.status == .badRequest)
        let pathBody = String(decoding: path.body, as: UTF8.self)
        #expect(pathBody.contains("hub_id"))
        let query = await responder.respond(to: Request(method: .GET, target: "/hubs/alice?search=a%00"))
        #expect(query.status == .badRequest)
        let queryBody = String(decoding: query.body, as: UTF8.self)
        #expect(queryBody.contains("search"))
        #expect(await responder.respond(to: Request(method: .GET, target: "/hubs/alice%01x?search=a%20")).status == .ok)
    }

    @Test func mapsThrownErrors() async throws {
        let response = await responder.respond(to: Request(method: .POST, target: "/boom"))
        #expect(response.status == .internalServerError)
        #expect(String(decoding: response.body, as: UTF8.self).contains("mapped true /boom"))
    }

    @Test func servesRoutesOverTheSocket() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: responder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /hubs/7 HTTP/1.1\r\nHost: x\r\n\r\nPOST /hubs/7 HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "hub 7")
            let refused = try await client.readResponse()
            #expect(refused.statusCode == 405)
            #expect(refused.header("Allow") == "GET, DELETE, HEAD")
            try await client.write("DELETE /hubs/7 HTTP/1.1\r\nHost: x\r\n\r\nGET /none HTTP/1.1\r\nHost: x\r\n\r\n")
            let deleted = try await client.readResponse()
            #expect(deleted.statusCode == 204)
            #expect(deleted.header("Content-Length") == nil)
            #expect(try await client.readResponse().statusCode == 404)
        }
    }

    @Test func immediateRoutesAnswerOnTheLoopInRequestOrder() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: responder) { port in
            let client = try RawHTTPClient(port: port)
            // Pipelined: an immediate answer must not overtake the task-run request before it.
            try await client.write("GET /hubs/7 HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\n"
                + "HEAD /ping HTTP/1.1\r\nHost: x\r\n\r\nPOST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "hub 7")
            let pong = try await client.readResponse()
            #expect(pong.statusCode == 200)
            #expect(pong.bodyText == "pong true /ping")
            let head = try await client.readResponse(isHEAD: true)
            #expect(head.statusCode == 200)
            #expect(head.header("Content-Length") == "15")
            let refused = try await client.readResponse()
            #expect(refused.statusCode == 405)
            #expect(refused.header("Allow") == "GET, HEAD")
        }
    }

    @Test func immediateRoutesAlsoAnswerThroughRespond() async throws {
        let response = await responder.respond(to: Request(method: .GET, target: "/ping"))
        #expect(String(decoding: response.body, as: UTF8.self) == "pong false /ping")
        #expect(responder.respondImmediately(to: Request(method: .GET, target: "/hubs/1")) == nil)
        #expect(responder.respondImmediately(to: Request(method: .GET, target: "/ping?x=1"))?.route == "/ping")
    }
}
