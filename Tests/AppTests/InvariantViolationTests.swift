@testable import App
import HTTP1
import HTTPServer
import Logging
import Testing

/// A broken invariant of the App's own is a server fault: 500 with the request id, never the caller's error,
/// and not reported as the database's (as `DatabaseError.protocolViolation` was).
@Suite struct InvariantViolationTests {
    @Test func isAnswered500WithTheRequestID() {
        let request = Request(method: .POST, target: "/hubs/h/users/u/connections")
        let error = ErrorMapping(logger: Logger(label: "test")).apiError(
            for: InvariantViolation("the create statement answered no row"), request: request)
        #expect(error.code == .internalError)
        #expect(error.details == "request id \(request.id)")
        #expect(!error.message.contains("statement"))
    }
}
