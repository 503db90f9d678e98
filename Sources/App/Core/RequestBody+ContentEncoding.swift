import HTTP1
import HTTPServer

extension AppResponder {
    /// A body in a content coding is inflated before the handler runs, once its sender is known and its media type
    /// is JSON, so the refusals come in the order a plain body gets them (401, 415 `415001`) before the coding's own
    /// (415 `415002`, 400 `400050`, 413): nobody unauthenticated makes the server inflate anything. The handler
    /// authenticates again, from the `APIKeyCache` for an API key.
    func decodeBody(of request: inout Request, limit: Int) async throws {
        _ = try await authenticator.authenticate(request)
        try request.requireJSONContentType()
        try await request.inflateBody(limit: limit)
    }
}

/// Request bodies sent with `Content-Encoding: gzip` (RFC 9110 §8.4). The routes that take a body (`RouteBodyLimits`,
/// all JSON) accept gzip or no coding; the body is inflated before the handler runs, as a stream that stops one
/// byte past the route's limit, so the limit holds for the inflated bytes and a bomb costs no more memory than an
/// honest body of that limit.
extension Request {
    /// The codings the routes that take a body decode, for `Accept-Encoding` on a 415.
    static let acceptedContentCodings = "gzip"

    /// The coding the body was sent in: nil for none (or `identity`), `.gzip`, or 415 `415002` for anything else
    /// (another coding, or several stacked).
    func requestContentCoding() throws(APIError) -> ContentCoding? {
        let codings = headers.values(for: "Content-Encoding")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingOWS() }
            .filter { !$0.isEmpty && !$0.equalsIgnoringASCIICase("identity") }
        guard let only = codings.first else { return nil }
        guard codings.count == 1, only.equalsIgnoringASCIICase("gzip") || only.equalsIgnoringASCIICase("x-gzip") else {
            throw APIError(
                .unsupportedContentEncoding,
                "the body's Content-Encoding is not accepted; send it as gzip or without a content coding",
                headers: ["Accept-Encoding": Self.acceptedContentCodings])
        }
        return .gzip
    }

    /// Replaces a gzip body with its inflated bytes and drops `Content-Encoding`, so handlers see plain JSON.
    /// Past `limit` inflated bytes: 413 `413000`; truncated or corrupt: 400 `400050`. Runs off the event loop: a
    /// body at the largest route limit (256 KiB) takes up to ~1 ms to inflate.
    mutating func inflateBody(limit: Int) async throws -> Void {
        guard try requestContentCoding() == .gzip else { return }
        headers.remove(name: "Content-Encoding")
        guard !body.isEmpty else { return }  // no body: the handler's own 400 `400008`
        let compressed = body
        let inflated: Result<[UInt8], GzipError> = try await OffLoopWork.run {
            Result { () throws(GzipError) -> [UInt8] in try Gzip.decompress(compressed, limit: limit) }
        }
        switch inflated {
        case .success(let bytes):
            body = bytes
        case .failure(.tooLarge(let limit)):
            throw APIError(.bodyTooLarge, "the body inflates to more than this route's limit of \(limit) bytes")
        case .failure(.truncated):
            throw APIError(.malformedContentEncoding, "the gzip body is truncated: it ends before its gzip stream does")
        case .failure(.corrupt(let reason)):
            throw APIError(.malformedContentEncoding, "the gzip body is corrupt: \(reason)")
        }
    }
}
