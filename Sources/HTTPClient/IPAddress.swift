import Glibc

/// An IPv4 or IPv6 address, as the SSRF guard sees it.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// Four bytes in network order, held as a host-order integer (`127.0.0.1` is `0x7F00_0001`).
    case v4(UInt32)
    /// Sixteen bytes in network order.
    case v6([UInt8])

    /// Parses the textual forms `inet_pton` accepts (dotted quad, RFC 4291 text); nil otherwise.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        self = .v6(withUnsafeBytes(of: v6) { Array($0) })
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String(value >> (24 - 8 * $0) & 0xFF) }.joined(separator: ".")
        case .v6(let bytes):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// The IPv4 address an IPv6 address carries, for the forms that reach IPv4 hosts: IPv4-mapped
    /// (`::ffff:a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64
    /// (`64:ff9b::/96`) and 6to4 (`2002::/16`). Teredo hides its addresses and is refused as a whole.
    var embeddedIPv4: UInt32? {
        guard case .v6(let bytes) = self else { return nil }
        let translated = bytes[0..<8].allSatisfy { $0 == 0 } && bytes[8] == 0xFF && bytes[9] == 0xFF
            && bytes[10] == 0 && bytes[11] == 0
        let compatible = bytes[0..<12].allSatisfy { $0 == 0 } && Self.word(bytes, 12) > 1
        let nat64 = bytes[0..<12].elementsEqual([0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0])
        if let mapped = ipv4Mapped { return mapped }
        if translated || compatible || nat64 { return Self.word(bytes, 12) }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return Self.word(bytes, 2) }
        return nil
    }

    /// The IPv4 address of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), which a dual-stack socket reaches
    /// over IPv4 itself.
    var ipv4Mapped: UInt32? {
        guard case .v6(let bytes) = self, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF
        else { return nil }
        return Self.word(bytes, 12)
    }

    private static func word(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
