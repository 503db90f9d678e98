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
        "192.167.255.255", "223.255.255.255", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "fbff::1",
    ]

    @Test(arguments: allowed)
    func allowsPublicUnicast(text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(OutboundAddressPolicy().refusal(for: address) == nil)
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
