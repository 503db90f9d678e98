import HTTP1
import HTTPServer
import Testing

/// Matching for a decision on the head alone: the template without the parameters' decoding.
@Suite struct RouterTemplateMatchTests {
    var router: Router {
        var router = Router()
        router.on(.POST, "/hubs/:hub_id/users") { _ in Response(status: .ok) }
        // GET is a method the server implements (elsewhere), so a GET of the users path is 405, not 501.
        router.on(.GET, "/healthz") { _ in Response(status: .ok) }
        return router
    }

    @Test func findsTheTemplateWithoutDecodingParameters() {
        guard case .found(_, let parameters, let template) = router.match(
            method: .POST, path: "/hubs/h%201/users", decodingParameters: false)
        else { Issue.record("no match"); return }
        #expect(template == "/hubs/:hub_id/users")
        #expect(parameters["hub_id"] == nil)
        guard case .found(_, let decoded, _) = router.match(method: .POST, path: "/hubs/h%201/users") else {
            Issue.record("no match"); return
        }
        #expect(decoded["hub_id"] == "h 1")
    }

    @Test func stillTellsWrongMethodsFromMissingRoutes() {
        guard case .methodNotAllowed(let allowed) = router.match(
            method: .GET, path: "/hubs/h1/users", decodingParameters: false)
        else { Issue.record("expected 405"); return }
        #expect(allowed == [.POST])
        guard case .notFound = router.match(method: .POST, path: "/nowhere", decodingParameters: false) else {
            Issue.record("expected 404"); return
        }
    }
}
