/// An IPv4 or IPv6 network in CIDR form (`10.0.0.0/8`, `2001:db8::/32`): the guard's special-purpose ranges and
/// the operator's egress allow-list.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network address, host bits zero.
    public let address: IPAddress
    public let prefixLength: Int

    /// `address` with every bit past `prefixLength` cleared; nil when the length does not fit the family.
    public init?(_ address: IPAddress, prefixLength: Int) {
        guard prefixLength >= 0, prefixLength <= address.bitCount else { return nil }
        self.address = address.masked(to: prefixLength)
        self.prefixLength = prefixLength
    }

    /// Parses `address/length`, or a bare address as a single-host network. Host bits set past the prefix
    /// (`10.1.2.3/8`) are refused, since they usually mean the operator meant a different prefix.
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else { return nil }
        var length = address.bitCount
        if parts.count == 2 {
            guard let given = Int(parts[1]), parts[1].allSatisfy(\.isASCII), parts[1].first != "+" else { return nil }
            length = given
        }
        guard let network = IPNetwork(address, prefixLength: length), network.address == address else { return nil }
        self = network
    }

    /// Whether `candidate` lies in this network. Families never mix: an IPv4-mapped IPv6 address is an IPv6
    /// address here (the allow-list and the guard each say how they treat embedded IPv4 addresses).
    public func contains(_ candidate: IPAddress) -> Bool {
        candidate.bitCount == address.bitCount && candidate.masked(to: prefixLength) == address
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

extension IPAddress {
    var bitCount: Int {
        switch self {
        case .v4: 32
        case .v6: 128
        }
    }

    /// The address with every bit past the first `prefixLength` cleared.
    func masked(to prefixLength: Int) -> IPAddress {
        switch self {
        case .v4(let value):
            let mask: UInt32 = prefixLength == 0 ? 0 : ~0 << (32 - prefixLength)
            return .v4(value & mask)
        case .v6(let bytes):
            return .v6(bytes.indices.map { index in
                let kept = min(max(prefixLength - index * 8, 0), 8)
                return bytes[index] & UInt8(truncatingIfNeeded: 0xFF00 >> kept)
            })
        }
    }
}

extension IPNetwork {
    /// 127.0.0.0/8 and ::1/128: the allow-list that keeps every outbound call on this machine (the test suites').
    public static let loopback = [IPNetwork(parsing: "127.0.0.0/8")!, IPNetwork(parsing: "::1/128")!]
}
