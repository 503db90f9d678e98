import Cryptography

/// API keys: `eak_` + base64url of 32 random bytes (256 bits). The key is shown once when made; the database holds
/// only its SHA-256, so a leaked table grants nothing. A fast hash is enough because the key is uniformly random.
enum APIKeys {
    static let prefix = "eak_"
    static let randomByteCount = 32
    /// 4 + 43 characters (unpadded base64url of 32 bytes).
    static let length = prefix.utf8.count + 43

    static func generate() -> APIKeySecret {
        APIKeySecret(value: prefix + Base64.encodeURL(SecureRandom.bytes(count: randomByteCount)))
    }

    static func hash(_ key: String) -> [UInt8] { Digest.sha256(Array(key.utf8)) }

    /// Cheap shape check so junk never reaches the database.
    static func isWellFormed(_ key: String) -> Bool {
        var key = key
        return key.utf8.count == length && key.hasPrefix(prefix)
            && key.withUTF8 { $0.dropFirst(prefix.utf8.count).allSatisfy(isBase64URLByte) }
    }

    private static func isBase64URLByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }
}

/// A freshly made API key. Prints as `****` so it never lands in a log by accident.
public struct APIKeySecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The key itself, to show exactly once.
    public let value: String
    public var description: String { "****" }
    public var debugDescription: String { "****" }
}
