@testable import App
import HTTP1
import HTTPServer
import JSON
import Testing

/// `jsonObjectBody`'s NUL rule: a body walks its values only when the text `\u0000` occurs in it.
struct RequestBodyTests {
    @Test(arguments: [
        (#"{"a":"\u0000"}"#, true), (#"{"a\u0000":1}"#, true), (#"{"a":"\\u0000"}"#, true),
        (#"{"a":"u0000"}"#, false), (#"{"a":"\u0001"}"#, false), (#"\u000"#, false), ("", false),
    ])
    func escapeScanFindsEveryCandidate(body: String, expected: Bool) {
        #expect(Request.mayEscapeNUL(Array(body.utf8)) == expected)
    }

    private func request(_ body: String) -> Request {
        Request(method: .POST, target: "/", headers: ["Content-Type": "application/json"], body: Array(body.utf8))
    }

    @Test func aNULIsRefusedWithItsPathAndAnEscapedBackslashIsNot() throws {
        #expect(throws: APIError.self) { try request(#"{"list":[{"name":"x\u0000"}]}"#).jsonObjectBody() }
        do {
            _ = try request(#"{"list":[{"name":"x\u0000"}]}"#).jsonObjectBody()
        } catch {
            #expect(error.fields.map(\.field) == ["list[0].name"])
        }
        #expect(try request(#"{"name":"\\u0000"}"#).jsonObjectBody()["name"] == .string(#"\u0000"#))
    }
}
