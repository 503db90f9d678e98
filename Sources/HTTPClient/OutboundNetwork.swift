/// The client's two steps that touch the network before a request goes out: resolving a host, and opening a
/// connection to one address the guard has passed. The system's by default; tests put in a double that records
/// both, to see what would have been contacted without contacting it.
public struct OutboundNetwork: Sendable {
    /// Every address `host` resolves to (address literals included), through the system resolver. Blocking.
    public var resolve: @Sendable (_ host: String) throws(HTTPClientError) -> [IPAddress]
    /// Called with each checked address just before a connection to it is opened; throwing stops the attempt.
    public var willConnect: @Sendable (_ address: IPAddress, _ port: Int) throws(HTTPClientError) -> Void

    public init(
        resolve: @escaping @Sendable (_ host: String) throws(HTTPClientError) -> [IPAddress],
        willConnect: @escaping @Sendable (_ address: IPAddress, _ port: Int) throws(HTTPClientError) -> Void
    ) {
        self.resolve = resolve
        self.willConnect = willConnect
    }

    public static let system = OutboundNetwork(
        resolve: { host throws(HTTPClientError) in try Resolver.resolve(host: host) }, willConnect: { _, _ in })
}
