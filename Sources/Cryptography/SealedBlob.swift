/// The layout of a sealed value, all lengths in bytes:
///
///     magic (1) = 0xA1 | n = version length (1) | version (n, ASCII) | nonce (12) | ciphertext (= plaintext) | tag (16)
///
/// The header (magic, n, version) is part of the AES-GCM associated data, followed by the caller's associated data;
/// the header is length-prefixed, so the concatenation is unambiguous. Relabelling a blob to another version
/// therefore fails authentication even when both versions hold the same key.
struct SealedBlob {
    static let magic: UInt8 = 0xA1
    static let nonceLength = 12
    static let tagLength = 16

    let header: ArraySlice<UInt8>
    let version: String
    let nonce: ArraySlice<UInt8>
    let ciphertext: ArraySlice<UInt8>
    let tag: ArraySlice<UInt8>

    init(parsing blob: [UInt8]) throws(CryptoError) {
        guard blob.count >= 2, blob[0] == Self.magic else { throw .malformedCiphertext }
        let versionEnd = 2 + Int(blob[1])
        guard blob[1] > 0, blob.count >= versionEnd + Self.nonceLength + Self.tagLength else {
            throw .malformedCiphertext
        }
        let versionBytes = blob[2..<versionEnd]
        guard KeyRing.isValidVersion(String(decoding: versionBytes, as: UTF8.self)) else { throw .malformedCiphertext }
        header = blob[..<versionEnd]
        version = String(decoding: versionBytes, as: UTF8.self)
        let nonceEnd = versionEnd + Self.nonceLength
        nonce = blob[versionEnd..<nonceEnd]
        ciphertext = blob[nonceEnd..<(blob.count - Self.tagLength)]
        tag = blob[(blob.count - Self.tagLength)...]
    }

    /// The header for `version`, which a KeyRing has already validated (1-32 ASCII bytes).
    static func header(version: String) -> [UInt8] {
        [magic, UInt8(version.utf8.count)] + Array(version.utf8)
    }
}
