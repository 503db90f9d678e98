/// The SSRF guard's rules: which resolved addresses an outbound request may connect to.
public struct OutboundAddressPolicy: Sendable, Equatable {
    /// Lifts the private-network rules (loopback, RFC 1918, CGNAT, link-local, unique-local, metadata),
    /// for development against local identity providers. `OUTBOUND_ALLOW_PRIVATE_NETWORKS`.
    public var allowPrivateNetworks: Bool

    public init(allowPrivateNetworks: Bool = false) { self.allowPrivateNetworks = allowPrivateNetworks }

    /// The rule that refuses `address`, or nil when it may be connected to.
    public func refusal(for address: IPAddress) -> OutboundRefusal? {
        guard let rule = Self.classify(address) else { return nil }
        return allowPrivateNetworks && rule.isPrivateNetworkRule ? nil : rule
    }

    /// The first refusal among all of `addresses`: one refused answer refuses the host, so a name that mixes
    /// public and internal answers cannot be used to reach the internal one.
    public func refusal(forAny addresses: [IPAddress]) -> OutboundRefusal? {
        addresses.lazy.compactMap(refusal(for:)).first
    }

    /// The special-purpose range `address` falls in, whatever the allowance; nil for ordinary unicast.
    public static func classify(_ address: IPAddress) -> OutboundRefusal? {
        switch address {
        case .v4(let value): classify(v4: value)
        case .v6(let bytes): address.embeddedIPv4.flatMap(classify(v4:)) ?? classify(v6: bytes)
        }
    }

    static func classify(v4 value: UInt32) -> OutboundRefusal? {
        func within(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ prefix: UInt32) -> Bool {
            let network = a << 24 | b << 16 | c << 8 | d
            let mask: UInt32 = prefix == 0 ? 0 : ~0 << (32 - prefix)
            return value & mask == network
        }
        if value == 0xA9FE_A9FE || value == 0x6464_64C8 { return .cloudMetadata }  // 169.254.169.254, 100.100.100.200
        if value == 0xFFFF_FFFF { return .broadcast }
        if within(0, 0, 0, 0, 8) { return .unspecified }
        if within(127, 0, 0, 0, 8) { return .loopback }
        if within(10, 0, 0, 0, 8) || within(172, 16, 0, 0, 12) || within(192, 168, 0, 0, 16) { return .privateNetwork }
        if within(100, 64, 0, 0, 10) { return .sharedAddressSpace }
        if within(169, 254, 0, 0, 16) { return .linkLocal }
        if within(224, 0, 0, 0, 4) { return .multicast }
        if within(240, 0, 0, 0, 4) { return .reserved }
        return nil
    }

    static func classify(v6 bytes: [UInt8]) -> OutboundRefusal? {
        let metadata: [UInt8] = [0xFD, 0x00, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]  // fd00:ec2::254
        if bytes == metadata { return .cloudMetadata }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return bytes[15] == 1 ? .loopback : .unspecified }
        if bytes[0] & 0xFE == 0xFC { return .uniqueLocal }  // fc00::/7
        if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0x80 { return .linkLocal }  // fe80::/10
        if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0xC0 { return .privateNetwork }  // fec0::/10, deprecated site-local
        if bytes[0] == 0xFF { return .multicast }
        return nil
    }
}
