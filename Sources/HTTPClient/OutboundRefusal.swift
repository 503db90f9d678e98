/// Why an outbound request was not sent. The description names the rule, never a resolved address.
public enum OutboundRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case unsupportedScheme
    case loopback, privateNetwork, sharedAddressSpace, linkLocal, uniqueLocal, cloudMetadata
    case multicast, unspecified, broadcast, reserved
    case documentation, benchmarking, protocolAssignments, teredo
    /// The address lies outside `OUTBOUND_ALLOWED_NETWORKS`.
    case outsideAllowedNetworks

    /// Whether `allowPrivateNetworks` lifts this rule. Addresses that are never a valid unicast TCP peer stay refused.
    public var isPrivateNetworkRule: Bool {
        switch self {
        case .loopback, .privateNetwork, .sharedAddressSpace, .linkLocal, .uniqueLocal, .cloudMetadata: true
        case .unsupportedScheme, .multicast, .unspecified, .broadcast, .reserved, .documentation, .benchmarking,
             .protocolAssignments, .teredo, .outsideAllowedNetworks:
            false
        }
    }

    public var description: String {
        switch self {
        case .unsupportedScheme: "only http and https URLs are allowed"
        case .loopback: "the host resolves to a loopback address"
        case .privateNetwork: "the host resolves to a private network address"
        case .sharedAddressSpace: "the host resolves to a carrier-grade NAT address"
        case .linkLocal: "the host resolves to a link-local address"
        case .uniqueLocal: "the host resolves to a unique local IPv6 address"
        case .cloudMetadata: "the host resolves to a cloud metadata service address"
        case .multicast: "the host resolves to a multicast address"
        case .unspecified: "the host resolves to an unspecified address"
        case .broadcast: "the host resolves to a broadcast address"
        case .reserved: "the host resolves to a reserved or special-purpose address"
        case .documentation: "the host resolves to an address reserved for documentation"
        case .benchmarking: "the host resolves to an address reserved for benchmarking"
        case .protocolAssignments: "the host resolves to an address reserved for IETF protocol assignments"
        case .teredo: "the host resolves to a Teredo tunnel address"
        case .outsideAllowedNetworks: "the host resolves to an address outside the allowed networks"
        }
    }
}
