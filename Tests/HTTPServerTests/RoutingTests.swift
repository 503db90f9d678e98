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
            Response.error(.internalServerError, message: "mapped \(error is Boom) \(request.route ?? "-")")
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
        #expect(String(decoding: response.body, as: UTF8.self).contains("404000"))
    }

    @Test func answers405WithAllow() async throws {
        let response = await responder.respond(to: Request(method: .PUT, target: "/hubs/1"))
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "GET, DELETE, HEAD")
    }

    @Test func mapsThrownErrors() async throws {
        let response = await responder.respond(to: Request(method: .POST, target: "/boom"))
        #expect(response.status == .internalServerError)
        #expect(String(decoding: response.body, as: UTF8.self).contains("mapped true /boom"))
    }

    @Test func servesRoutesOverTheSocket() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: responder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /hubs/7 HTTP/1.1\r\nHost: x\r\n\r\nPATCH /hubs/7 HTTP/1.1\r\nHost: x\r\n\r\n")
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
