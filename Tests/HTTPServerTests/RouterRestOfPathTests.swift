import HTTP1
import HTTPServer
import Testing

/// A template ending in `*name` takes one or more further segments, raw, and yields to fixed-length templates.
@Suite struct RouterRestOfPathTests {
    var router: Router {
        var router = Router()
        router.on(.GET, "/c/:id/proxy/*path") { _ in Response(status: .ok) }
        router.on(.POST, "/c/:id/proxy/*path") { _ in Response(status: .ok) }
        router.on(.GET, "/c/:id/proxy/status") { _ in Response(status: .ok) }
        router.on(.GET, "/c/:id") { _ in Response(status: .ok) }
        // PUT is a method the server implements (elsewhere), so a PUT of a proxy path is 405, not 501.
        router.on(.PUT, "/other") { _ in Response(status: .ok) }
        return router
    }

    private func match(_ method: HTTPMethod, _ path: String) -> (template: String, parameters: PathParameters)? {
        guard case .found(_, let parameters, let template) = router.match(method: method, path: path) else { return nil }
        return (template, parameters)
    }

    @Test func takesTheRestOfThePathAsSent() {
        let deep = match(.GET, "/c/c%201/proxy/a%2Fb/c//d/")
        #expect(deep?.template == "/c/:id/proxy/*path")
        #expect(deep?.parameters["path"] == "a%2Fb/c//d/")
        #expect(deep?.parameters["id"] == "c 1")
        #expect(match(.POST, "/c/1/proxy/x")?.parameters["path"] == "x")
    }

    @Test func fixedTemplatesComeFirstAndTheRestNeedsASegment() {
        #expect(match(.GET, "/c/1/proxy/status")?.template == "/c/:id/proxy/status")
        #expect(match(.GET, "/c/1/proxy/status/more")?.template == "/c/:id/proxy/*path")
        #expect(match(.GET, "/c/1")?.template == "/c/:id")
        guard case .notFound = router.match(method: .GET, path: "/c/1/proxy") else { Issue.record("expected 404"); return }
        guard case .methodNotAllowed(let allowed) = router.match(method: .PUT, path: "/c/1/proxy/x") else {
            Issue.record("expected 405"); return
        }
        #expect(Set(allowed) == [.GET, .POST, .HEAD])
    }
}
