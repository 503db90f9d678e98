/// RFC 4648 Base64, strict: decoders reject whitespace, characters outside the alphabet, wrong padding and
/// non-zero pad bits, so every byte string has exactly one accepted text form.
public enum Base64 {
    public static func encode(_ bytes: [UInt8]) -> String {
        encode(bytes, alphabet: standardAlphabet, padded: true)
    }

    /// Strict RFC 4648 §4 (padding required, no whitespace); nil when invalid.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 == 0 else { return nil }
        let padding = characters.reversed().prefix(while: { $0 == UInt8(ascii: "=") }).count
        guard padding <= 2, !(characters.isEmpty && padding > 0) else { return nil }
        return decode(characters.dropLast(padding), table: standardTable)
    }

    public static func encodeURL(_ bytes: [UInt8]) -> String {
        encode(bytes, alphabet: urlAlphabet, padded: false)
    }

    /// RFC 4648 §5 without padding (JWT segments); nil when invalid.
    public static func decodeURL(_ text: String) -> [UInt8]? {
        decode(Array(text.utf8)[...], table: urlTable)
    }

    // MARK: - Codec

    private static let standardAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let standardTable = reverseTable(standardAlphabet)
    private static let urlTable = reverseTable(urlAlphabet)
    private static let invalid: UInt8 = 0xFF

    private static func reverseTable(_ alphabet: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }

    private static func encode(_ bytes: [UInt8], alphabet: [UInt8], padded: Bool) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if remaining > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if remaining > 2 { group |= UInt32(bytes[index + 2]) }
            for position in 0...remaining {
                output.append(alphabet[Int((group >> (18 - 6 * UInt32(position))) & 0x3F)])
            }
            if padded { output.append(contentsOf: repeatElement(UInt8(ascii: "="), count: 3 - remaining)) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes unpadded symbols; a final group of 2 or 3 symbols must have zero trailing bits.
    private static func decode(_ symbols: ArraySlice<UInt8>, table: [UInt8]) -> [UInt8]? {
        guard symbols.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(symbols.count * 3 / 4)
        var group: UInt32 = 0
        var collected = 0
        for character in symbols {
            let value = table[Int(character)]
            guard value != invalid else { return nil }
            group = group << 6 | UInt32(value)
            collected += 1
            if collected == 4 {
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
                group = 0
                collected = 0
            }
        }
        switch collected {
        case 2:
            guard group & 0xF == 0 else { return nil }
            output.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:
            guard group & 0x3 == 0 else { return nil }
            output.append(UInt8(truncatingIfNeeded: group >> 10))
            output.append(UInt8(truncatingIfNeeded: group >> 2))
        default:
            break
        }
        return output
    }
}
