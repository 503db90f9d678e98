import Domain
import HTTPClient
import HTTPServer

/// A proxied request body, which arrives as a stream (`BodyScreening.stream`): its first bytes are read before
/// anything is sent, and when it ends within them it is sent whole like any buffered body; otherwise the rest is
/// forwarded as it arrives.
struct ProxyRequestBody: Sendable {
    /// A body up to this is kept whole, so that it can be sent again (oauth2's one retry with a renewed token); a
    /// longer one has gone upstream as it came and cannot be, so its provider's 401 is the answer.
    static let replayableBytes = 64 * 1024
    /// An hmac binding that signs the body needs all of it before the request's head goes out: bodies up to this
    /// are read whole for it, longer ones are refused (413).
    static let signedBodyBytes = 1024 * 1024

    var prefix: [UInt8]
    /// The unread rest, when the body goes on beyond `prefix`.
    var rest: RequestBodyStream?

    /// Reads until the body ends or more than `keeping` bytes came.
    static func read(_ stream: RequestBodyStream, keeping limit: Int) async throws -> ProxyRequestBody {
        var prefix: [UInt8] = []
        do {
            while prefix.count <= limit {
                guard let piece = try await stream.next() else { return ProxyRequestBody(prefix: prefix, rest: nil) }
                prefix += piece
            }
        } catch {
            throw APIError(.proxyRequestInvalid, "the request body could not be read", details: "\(error)")
        }
        return ProxyRequestBody(prefix: prefix, rest: stream)
    }

    /// Whether `binding` signs the body (hmac with `body` among its digest inputs).
    static func isSigned(by binding: UsableBinding) -> Bool {
        guard case .hmac(let hmac) = binding.config.scheme else { return false }
        return hmac.digestInputs.contains(.body)
    }

    /// Sends `prefix` and then the rest into `upload` as it arrives, counting the rest's bytes; a rest that fails
    /// (the caller left, or sent a malformed or oversized chunk) fails the upload rather than end it short.
    func pump(into upload: OutboundUpload, counting metrics: ProxyMetrics) {
        let (prefix, rest) = (prefix, rest)
        Task {
            guard await upload.write(prefix) else { return }
            do {
                while let piece = try await rest?.next() {
                    metrics.recordSent(piece.count)
                    guard await upload.write(piece) else { return }
                }
                await upload.finish()
            } catch {
                upload.fail()
            }
        }
    }
}
