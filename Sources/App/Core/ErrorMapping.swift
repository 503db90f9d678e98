import HTTP1
public import HTTPServer
public import Logging
import Postgres
import TraceContext

/// The single place where thrown errors become responses. Only `APIError` (and errors that convert to one) reach
/// the client as themselves; everything else is a generic 500 whose cause is logged with the request id.
public struct ErrorMapping: Sendable {
    public let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func response(for error: any Error, request: Request) -> Response {
        .apiError(apiError(for: error, request: request))
    }

    public func apiError(for error: any Error, request: Request) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as any APIErrorConvertible:
            return error.apiError
        case let error as DatabaseError where error.kind == .deadlineExceeded:
            logger.warning("request deadline exceeded", metadata: metadata(request, [:]))
            return APIError(
                .requestDeadlineExceeded, "the request ran out of time; what it had not committed was rolled back",
                headers: ["Retry-After": "1"])
        case let error as DatabaseError where error.kind == .connectionUnavailable || error.kind == .timeout:
            logger.warning("database unavailable", metadata: metadata(request, ["db.error": "\(error)"]))
            return APIError(.databaseUnavailable, "the database is unavailable; retry shortly", headers: ["Retry-After": "1"])
        case let error as InvariantViolation:
            logger.error("invariant violated", metadata: metadata(request, ["invariant": "\(error.what)"]))
            return APIError(.internalError, "internal error", details: "request id \(request.id)")
        case let error as DatabaseError:
            logger.error("database error", metadata: metadata(request, [
                "db.sqlstate": "\(error.sqlState ?? "-")", "db.constraint": "\(error.constraint ?? "-")",
            ]))
            return APIError(.internalError, "internal error", details: "request id \(request.id)")
        default:
            // The type name only: an error's description may carry values from the request.
            logger.error("unhandled error", metadata: metadata(request, ["error.type": "\(type(of: error))"]))
            return APIError(.internalError, "internal error", details: "request id \(request.id)")
        }
    }

    private func metadata(_ request: Request, _ extra: Logger.Metadata) -> Logger.Metadata {
        extra.merging([
            "request.id": "\(request.id)", "http.route": "\(request.route ?? "-")",
            "trace.id": "\(request.trace?.traceIDHex ?? "-")", "span.id": "\(request.trace?.spanIDHex ?? "-")",
        ]) { a, _ in a }
    }
}
