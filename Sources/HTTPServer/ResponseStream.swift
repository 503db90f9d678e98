/// A response body produced while it is sent (a proxied download): the server asks for the next piece only once
/// the socket has taken the previous one, so a connection holds at most one piece beyond the kernel's buffer.
/// Framed with Content-Length when `length` is known, else chunked (close-delimited for HTTP/1.0 clients). When
/// `next` throws after the head went out, the connection closes without completing the framing, so the client
/// sees the answer cut short. A connection that ends early, or a HEAD, calls `abandon` instead of reading on.
public final class ResponseStream: Sendable {
    public let length: Int?
    private let produce: @Sendable () async throws -> [UInt8]?
    private let release: @Sendable () -> Void

    /// `next` answers the next piece (an empty one is skipped), nil at the end; `abandon` frees the source.
    public init(
        length: Int?, next: @escaping @Sendable () async throws -> [UInt8]?, abandon: @escaping @Sendable () -> Void
    ) {
        self.length = length
        produce = next
        release = abandon
    }

    public func next() async throws -> [UInt8]? { try await produce() }

    public func abandon() { release() }
}
