/// A cheap hash of a string's UTF-8: FNV-1a's constants, eight bytes per step. For the connection's own tables,
/// keyed by statement texts (up to a few kilobytes) and column names, which the server's code writes, not its
/// clients: SipHash, which `String` uses to resist chosen keys, cost more there than the lookups themselves.
package enum ByteHash {
    package static func of(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
            let raw = UnsafeRawBufferPointer(bytes)
            var offset = 0
            while offset + 8 <= raw.count {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x0000_0100_0000_01b3
                hash ^= hash >> 32
                offset += 8
            }
            while offset < raw.count {
                hash = (hash ^ UInt64(raw[offset])) &* 0x0000_0100_0000_01b3
                offset += 1
            }
            return hash ^ (hash >> 29)
        }
    }
}
