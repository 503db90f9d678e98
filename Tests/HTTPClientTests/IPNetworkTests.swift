import HTTPClient
import Testing

@Suite struct IPNetworkTests {
    static let valid: [(String, String)] = [
        ("127.0.0.0/8", "127.0.0.0/8"), ("0.0.0.0/0", "0.0.0.0/0"), ("10.1.2.3", "10.1.2.3/32"),
        ("10.1.2.3/32", "10.1.2.3/32"), ("::1/128", "::1/128"), ("::/0", "::/0"), ("2001:db8::/32", "2001:db8::/32"),
        ("fe80::", "fe80::/128"), ("::ffff:0:0/96", "::ffff:0.0.0.0/96"),
    ]

    @Test(arguments: valid)
    func parsesNetworks(text: String, canonical: String) throws {
        #expect(try #require(IPNetwork(parsing: text)).description == canonical)
    }

    static let invalid = [
        "", "/8", "127.0.0.0/", "127.0.0.0/33", "::/129", "127.0.0.0/-1", "127.0.0.0/+8", "127.0.0.0/8/8",
        "10.1.2.3/8", "2001:db8::1/32", "localhost", "127.0.0.0/ 8", "127.0.0.0/٨", "1.2.3/24",
    ]

    @Test(arguments: invalid)
    func refusesWhatIsNotACIDRNetwork(text: String) {
        #expect(IPNetwork(parsing: text) == nil)
    }

    static let membership: [(String, String, Bool)] = [
        ("127.0.0.0/8", "127.0.0.0", true), ("127.0.0.0/8", "127.255.255.255", true),
        ("127.0.0.0/8", "126.255.255.255", false), ("127.0.0.0/8", "128.0.0.0", false),
        ("198.18.0.0/15", "198.19.255.255", true), ("198.18.0.0/15", "198.20.0.0", false),
        ("0.0.0.0/0", "255.255.255.255", true), ("10.0.0.1/32", "10.0.0.1", true), ("10.0.0.1/32", "10.0.0.2", false),
        ("2001:db8::/33", "2001:db8:7fff:ffff::1", true), ("2001:db8::/33", "2001:db8:8000::", false),
        ("fe80::/10", "febf:ffff::1", true), ("fe80::/10", "fec0::", false), ("::/0", "ffff::1", true),
        // Families never mix in a network; the allow-list admits IPv4-mapped addresses itself.
        ("127.0.0.0/8", "::ffff:127.0.0.1", false), ("::/0", "127.0.0.1", false),
        ("::ffff:0:0/96", "::ffff:127.0.0.1", true),
    ]

    @Test(arguments: membership)
    func containsExactlyItsAddresses(network: String, address: String, inside: Bool) throws {
        let parsed = try #require(IPNetwork(parsing: network))
        #expect(parsed.contains(try #require(IPAddress(address))) == inside)
    }
}
