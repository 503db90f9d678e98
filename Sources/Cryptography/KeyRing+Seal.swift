extension KeyRing {
    /// AES-256-GCM with a fresh 96-bit nonce; the key version is bound into the associated data.
    /// Output: a self-describing blob (see `SealedBlob` for the layout).
    public func seal(_ plaintext: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        let header = SealedBlob.header(version: current.version)
        let nonce = SecureRandom.bytes(count: SealedBlob.nonceLength)
        let (ciphertext, tag) = try AESGCM.seal(
            key: current.key, nonce: nonce, plaintext: plaintext, associatedData: header + associatedData)
        var blob = header
        blob.reserveCapacity(header.count + nonce.count + ciphertext.count + tag.count)
        blob += nonce
        blob += ciphertext
        blob += tag
        return blob
    }

    /// Opens a blob sealed by any key of the ring: `.unknownKeyVersion` when the ring lacks its version,
    /// `.authenticationFailed` when it was altered or `associatedData` differs, `.malformedCiphertext` when it is
    /// not a sealed blob at all.
    public func open(_ sealed: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        let blob = try SealedBlob(parsing: sealed)
        guard let key = keysByVersion[blob.version] else { throw .unknownKeyVersion(blob.version) }
        return try AESGCM.open(
            key: key, nonce: Array(blob.nonce), ciphertext: Array(blob.ciphertext), tag: Array(blob.tag),
            associatedData: Array(blob.header) + associatedData)
    }

    /// The version a blob was sealed with, without opening it.
    public static func version(of sealed: [UInt8]) throws(CryptoError) -> String {
        try SealedBlob(parsing: sealed).version
    }

    /// True when `sealed` was sealed by a version other than the current one (worth re-sealing on rotation).
    public func needsResealing(_ sealed: [UInt8]) throws(CryptoError) -> Bool {
        try Self.version(of: sealed) != current.version
    }
}
