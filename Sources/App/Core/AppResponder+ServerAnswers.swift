import HTTP1
import HTTPServer

extension AppResponder {
    /// The server's own answers in the contract's error body: the code is the status's own (`400000`, `408000`,
    /// `503000`, …), or the body budget's `503003`.
    func render(_ answer: ServerAnswer) -> Response {
        .apiError(APIError(Self.code(for: answer), answer.message))
    }

    static func code(for answer: ServerAnswer) -> ErrorCode {
        switch answer.kind {
        case .bodyBudgetExhausted: .bodyBudgetExhausted
        case .missingResponse: .internalError
        case .protocolError: ErrorCode(rawValue: answer.status.code * 1000) ?? .internalError
        }
    }
}
