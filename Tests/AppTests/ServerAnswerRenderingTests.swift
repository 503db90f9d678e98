@testable import App
import HTTP1
import HTTPServer
import JSON
import Logging
import Testing

/// The server's own answers (framing, limits, timeouts, overload) reach clients in the contract's error body,
/// rendered by the App: the server module knows nothing of that format.
@Suite struct ServerAnswerRenderingTests {
    static let responder = AppResponder(
        router: Router(), errors: ErrorMapping(logger: Logger(label: "test")), metrics: Metrics(),
        authenticator: NobodyAuthenticator(), requestTimeout: .seconds(30))

    static let cases: [(HTTPStatus, ServerAnswer.Kind, String)] = [
        (.badRequest, .protocolError, "400000"), (.requestTimeout, .protocolError, "408000"),
        (.contentTooLarge, .protocolError, "413000"), (.uriTooLong, .protocolError, "414000"),
        (.expectationFailed, .protocolError, "417000"), (.requestHeaderFieldsTooLarge, .protocolError, "431000"),
        (.notImplemented, .protocolError, "501000"), (.httpVersionNotSupported, .protocolError, "505000"),
        (.serviceUnavailable, .protocolError, "503000"), (.serviceUnavailable, .bodyBudgetExhausted, "503003"),
        (.internalServerError, .missingResponse, "500000"),
    ]

    @Test(arguments: cases)
    func rendersTheContractsErrorBody(status: HTTPStatus, kind: ServerAnswer.Kind, code: String) throws {
        let response = Self.responder.render(ServerAnswer(status: status, kind: kind, message: "why \"quoted\""))
        #expect(response.status == status)
        #expect(response.headers["Content-Type"] == "application/json")
        let body = try JSONValue.parse(response.body)
        #expect(body.objectValue?["code"] == .string(code))
        #expect(body.objectValue?["message"] == "why \"quoted\"")
    }
}
