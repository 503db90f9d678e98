/// The SSRF guard's rules: which resolved addresses an outbound request may connect to.
public struct OutboundAddressPolicy: Sendable, Equatable {
    /// Lifts the private-network rules (loopback, RFC 1918, CGNAT, link-local, unique-local, metadata),
    /// for development against local identity providers. `OUTBOUND_ALLOW_PRIVATE_NETWORKS`.
    public var allowPrivateNetworks: Bool
    /// The egress allow-list (`OUTBOUND_ALLOWED_NETWORKS`): when set, an address outside every one of these
    /// networks is refused whatever else holds. It narrows the guard and never widens it: a listed private
    /// network still needs `allowPrivateNetworks`.
    public var allowedNetworks: [IPNetwork]?

    public init(allowPrivateNetworks: Bool = false, allowedNetworks: [IPNetwork]? = nil) {
        self.allowPrivateNetworks = allowPrivateNetworks
        self.allowedNetworks = allowedNetworks
    }

    /// The rule that refuses `address`, or nil when it may be connected to.
    public func refusal(for address: IPAddress) -> OutboundRefusal? {
        if let allowedNetworks, !allowedNetworks.contains(where: { $0.admits(address) }) { return .outsideAllowedNetworks }
        guard let rule = Self.classify(address) else { return nil }
        return allowPrivateNetworks && rule.isPrivateNetworkRule ? nil : rule
    }

    /// The first refusal among all of `addresses`: one refused answer refuses the host, so a name that mixes
    /// public and internal answers cannot be used to reach the internal one.
    public func refusal(forAny addresses: [IPAddress]) -> OutboundRefusal? {
        addresses.lazy.compactMap(refusal(for:)).first
    }

    /// The special-purpose range `address` falls in, whatever the allowance; nil for ordinary global unicast.
    public static func classify(_ address: IPAddress) -> OutboundRefusal? { SpecialPurposeAddresses.classify(address) }
}

extension IPNetwork {
    /// Allow-list membership of the address a socket connects to. An IPv4-mapped address (`::ffff:a.b.c.d`)
    /// reaches the IPv4 host itself, so an IPv4 network admits it; the other forms that carry an IPv4 address
    /// (NAT64, 6to4) travel as IPv6 to a gateway and must be admitted as IPv6.
    func admits(_ candidate: IPAddress) -> Bool {
        if contains(candidate) { return true }
        guard let mapped = candidate.ipv4Mapped else { return false }
        return contains(.v4(mapped))
    }
}
