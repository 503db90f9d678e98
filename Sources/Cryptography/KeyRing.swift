/// The credential encryption keys: `v2:<base64 32 bytes>,v1:<base64 32 bytes>`. The first encrypts; all decrypt.
///
/// Versions are 1-32 characters of `A-Z a-z 0-9 _ -` and unique; keys are exactly 32 bytes in strict Base64.
/// Parsing errors name the entry and the version, never a key.
public struct KeyRing: Sendable {
    let current: (version: String, key: SymmetricKey)
    let keysByVersion: [String: SymmetricKey]
    public let versions: [String]

    public init(parsing specification: String) throws(CryptoError) {
        var ordered: [(String, SymmetricKey)] = []
        var byVersion: [String: SymmetricKey] = [:]
        let entries = specification.split(separator: ",", omittingEmptySubsequences: false)
        for (index, entry) in entries.enumerated() {
            let (version, key) = try Self.parseEntry(entry, position: index + 1)
            guard byVersion[version] == nil else { throw .invalidKeyRing("duplicate version \"\(version)\"") }
            byVersion[version] = key
            ordered.append((version, key))
        }
        guard let first = ordered.first else { throw .invalidKeyRing("no keys") }
        current = first
        keysByVersion = byVersion
        versions = ordered.map(\.0)
    }

    public var currentVersion: String { current.version }

    /// True when `version` may name a key: 1-32 characters of `A-Z a-z 0-9 _ -`.
    public static func isValidVersion(_ version: some StringProtocol) -> Bool {
        (1...32).contains(version.utf8.count) && version.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"): true
            default: false
            }
        }
    }

    /// A new random 256-bit key in the ring's text form, for `embedded-api credentials generate-key`.
    /// `version` must satisfy `isValidVersion` (a programming error otherwise).
    public static func generateKeySpecification(version: String) -> String {
        precondition(isValidVersion(version), "invalid key version")
        var key = SecureRandom.bytes(count: SymmetricKey.byteCount)
        defer { OpenSSL.cleanse(&key) }
        return "\(version):\(Base64.encode(key))"
    }

    private static func parseEntry(_ entry: Substring, position: Int) throws(CryptoError) -> (String, SymmetricKey) {
        let trimmed = entry.trimmingASCIISpaces()
        // The key may itself be what was mistyped, so nothing after the colon is ever echoed.
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw .invalidKeyRing("entry \(position) is not of the form version:base64key")
        }
        let version = trimmed[..<colon]
        guard isValidVersion(version) else {
            throw .invalidKeyRing("entry \(position) has an invalid version (1-32 of A-Z a-z 0-9 _ -)")
        }
        guard var key = Base64.decode(String(trimmed[trimmed.index(after: colon)...])) else {
            throw .invalidKeyRing("key of version \"\(version)\" is not valid Base64")
        }
        defer { OpenSSL.cleanse(&key) }
        guard key.count == SymmetricKey.byteCount else {
            throw .invalidKeyRing("key of version \"\(version)\" is \(key.count) bytes, expected 32")
        }
        return (String(version), SymmetricKey(copying: key))
    }
}

extension KeyRing: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "KeyRing(versions: \(versions))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["versions": versions]) }
}

extension Substring {
    fileprivate func trimmingASCIISpaces() -> Substring {
        var trimmed = self
        while let first = trimmed.first, first == " " || first == "\t" { trimmed.removeFirst() }
        while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
        return trimmed
    }
}
