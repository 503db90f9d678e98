import HTTPClient
import Testing

@Suite struct OutboundAddressPolicyTests {
    static let refused: [(String, OutboundRefusal)] = [
        ("127.0.0.1", .loopback), ("127.255.255.254", .loopback), ("::1", .loopback),
        ("10.0.0.1", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
        ("192.168.1.1", .privateNetwork), ("fec0::1", .privateNetwork),
        ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
        ("169.254.0.1", .linkLocal), ("fe80::1", .linkLocal), ("febf::1", .linkLocal),
        ("fc00::1", .uniqueLocal), ("fdff:ffff::1", .uniqueLocal),
        ("169.254.169.254", .cloudMetadata), ("fd00:ec2::254", .cloudMetadata), ("100.100.100.200", .cloudMetadata),
        ("224.0.0.1", .multicast), ("239.255.255.255", .multicast), ("ff02::1", .multicast),
        ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified), ("::", .unspecified),
        ("255.255.255.255", .broadcast), ("240.0.0.1", .reserved),
        // IPv6 forms that carry an IPv4 address are judged by that address.
        ("::ffff:127.0.0.1", .loopback), ("::ffff:10.1.2.3", .privateNetwork), ("::ffff:169.254.169.254", .cloudMetadata),
        ("::127.0.0.1", .loopback), ("64:ff9b::a9fe:a9fe", .cloudMetadata), ("2002:c0a8:0101::1", .privateNetwork),
        ("::ffff:0:127.0.0.1", .loopback), ("::ffff:0:10.9.8.7", .privateNetwork),  // IPv4-translated (SIIT)
        // The rest of IANA's special-purpose registries.
        ("192.0.0.8", .protocolAssignments), ("192.0.0.255", .protocolAssignments),
        ("192.0.2.1", .documentation), ("198.51.100.200", .documentation), ("203.0.113.9", .documentation),
        ("198.18.0.1", .benchmarking), ("198.19.255.255", .benchmarking),
        ("192.31.196.1", .reserved), ("192.52.193.1", .reserved), ("192.88.99.1", .reserved), ("192.175.48.1", .reserved),
        ("64:ff9b:1::1", .privateNetwork), ("100::1", .reserved), ("100:0:0:1::1", .reserved),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", .teredo), ("2001:2::1", .benchmarking),
        ("2001:db8::1", .documentation), ("3fff:fff::1", .documentation),
        ("2001:4:112::1", .protocolAssignments), ("2001:1ff::1", .protocolAssignments),
        ("2620:4f:8000::1", .reserved), ("5f00::1", .reserved),
        ("4000::1", .reserved), ("1::1", .reserved),  // outside 2000::/3, the only global unicast block
    ]

    @Test(arguments: refused)
    func refusesSpecialPurposeAddresses(text: String, rule: OutboundRefusal) throws {
        let address = try #require(IPAddress(text))
        #expect(OutboundAddressPolicy.classify(address) == rule)
        #expect(OutboundAddressPolicy().refusal(for: address) == rule)
        let lifted = OutboundAddressPolicy(allowPrivateNetworks: true).refusal(for: address)
        #expect(lifted == (rule.isPrivateNetworkRule ? nil : rule))
    }

    static let allowed = [
        "8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.0", "100.63.255.255", "100.128.0.0", "169.253.255.255",
        "192.167.255.255", "223.255.255.255", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808",
        "198.17.255.255", "198.20.0.0", "192.0.1.255", "192.0.3.0", "2001:200::1", "2a00:1450:4001::1",
        "3fff:1000::1", "2001:db7:ffff::1", "2001:db9::1",
    ]

    @Test(arguments: allowed)
    func allowsPublicUnicast(text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(OutboundAddressPolicy().refusal(for: address) == nil)
    }

    @Test func theAllowListNarrowsTheGuardAndNeverWidensIt() throws {
        let loopbackOnly = OutboundAddressPolicy(allowPrivateNetworks: true, allowedNetworks: IPNetwork.loopback)
        for inside in ["127.0.0.1", "127.255.255.254", "::1", "::ffff:127.0.0.1"] {
            #expect(loopbackOnly.refusal(for: try #require(IPAddress(inside))) == nil, "\(inside)")
        }
        // NAT64 and 6to4 forms travel to a gateway as IPv6, so an IPv4 network does not admit them.
        for outside in ["8.8.8.8", "192.0.2.10", "10.0.0.1", "128.0.0.1", "::2", "64:ff9b::7f00:1", "2002:7f00:1::1"] {
            #expect(loopbackOnly.refusal(for: try #require(IPAddress(outside))) == .outsideAllowedNetworks, "\(outside)")
        }
        let guarded = OutboundAddressPolicy(allowPrivateNetworks: false, allowedNetworks: IPNetwork.loopback)
        #expect(guarded.refusal(for: try #require(IPAddress("127.0.0.1"))) == .loopback)
        let publicOnly = OutboundAddressPolicy(allowedNetworks: [try #require(IPNetwork(parsing: "192.0.2.0/24"))])
        #expect(publicOnly.refusal(for: try #require(IPAddress("192.0.2.1"))) == .documentation)
    }

    @Test func oneRefusedAnswerRefusesTheHost() throws {
        let answers = try ["8.8.8.8", "10.0.0.1"].map { try #require(IPAddress($0)) }
        #expect(OutboundAddressPolicy().refusal(forAny: answers) == .privateNetwork)
    }

    @Test func describesTheRuleWithoutTheAddress() {
        #expect(OutboundRefusal.cloudMetadata.description == "the host resolves to a cloud metadata service address")
        #expect(HTTPClientError.refused(.loopback).description.contains("127") == false)
    }
}
