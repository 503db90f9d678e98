/// The guard's list of addresses that are not ordinary global unicast hosts, after IANA's IPv4 and IPv6
/// Special-Purpose Address Registries (RFC 6890 and their later entries), plus multicast, IPv6 space outside
/// 2000::/3 and the cloud metadata endpoints. Every registry entry is refused, the globally reachable anycast
/// services among them (AS112, AMT, PCP, TURN): none of them serves HTTP to a tenant. First match wins, so the
/// specific entries come before the blocks that hold them.
enum SpecialPurposeAddresses {
    static let v4: [(IPNetwork, OutboundRefusal)] = table([
        ("169.254.169.254/32", .cloudMetadata), ("100.100.100.200/32", .cloudMetadata),
        ("255.255.255.255/32", .broadcast),
        ("0.0.0.0/8", .unspecified),
        ("127.0.0.0/8", .loopback),
        ("10.0.0.0/8", .privateNetwork), ("172.16.0.0/12", .privateNetwork), ("192.168.0.0/16", .privateNetwork),
        ("100.64.0.0/10", .sharedAddressSpace),
        ("169.254.0.0/16", .linkLocal),
        ("192.0.0.0/24", .protocolAssignments),
        ("192.0.2.0/24", .documentation), ("198.51.100.0/24", .documentation), ("203.0.113.0/24", .documentation),
        ("198.18.0.0/15", .benchmarking),
        ("192.31.196.0/24", .reserved), ("192.52.193.0/24", .reserved),  // AS112-v4, AMT
        ("192.88.99.0/24", .reserved), ("192.175.48.0/24", .reserved),  // 6to4 relay anycast, AS112 delegation
        ("224.0.0.0/4", .multicast),
        ("240.0.0.0/4", .reserved),
    ])

    /// Judged after the forms that carry an IPv4 address, which are judged by that address instead.
    static let v6: [(IPNetwork, OutboundRefusal)] = table([
        ("fd00:ec2::254/128", .cloudMetadata),
        ("::1/128", .loopback),
        ("::/128", .unspecified),
        ("64:ff9b:1::/48", .privateNetwork),  // local-use IPv4/IPv6 translation (RFC 8215)
        ("100::/64", .reserved), ("100:0:0:1::/64", .reserved),  // discard-only, dummy prefix
        ("2001::/32", .teredo),
        ("2001:2::/48", .benchmarking),
        ("2001:db8::/32", .documentation), ("3fff::/20", .documentation),
        ("2001::/23", .protocolAssignments),
        ("2620:4f:8000::/48", .reserved),  // AS112 direct delegation
        ("5f00::/16", .reserved),  // SRv6 SIDs
        ("fc00::/7", .uniqueLocal),
        ("fe80::/10", .linkLocal),
        ("fec0::/10", .privateNetwork),  // deprecated site-local
        ("ff00::/8", .multicast),
    ])

    /// IANA allocates global unicast only from 2000::/3; the rest of the space is unassigned or reserved.
    static let globalUnicastV6 = IPNetwork(parsing: "2000::/3")!

    static func classify(_ address: IPAddress) -> OutboundRefusal? {
        switch address {
        case .v4: return first(matching: address, in: v4)
        case .v6:
            if let embedded = address.embeddedIPv4 { return first(matching: .v4(embedded), in: v4) }
            if let rule = first(matching: address, in: v6) { return rule }
            return globalUnicastV6.contains(address) ? nil : .reserved
        }
    }

    private static func first(matching address: IPAddress, in table: [(IPNetwork, OutboundRefusal)]) -> OutboundRefusal? {
        table.first { $0.0.contains(address) }?.1
    }

    private static func table(_ entries: [(String, OutboundRefusal)]) -> [(IPNetwork, OutboundRefusal)] {
        entries.map { (IPNetwork(parsing: $0.0)!, $0.1) }
    }
}
