import COpenSSL

/// Parsing of keys and certificates into OpenSSL objects. Every function returns an owned pointer (or nil) that the
/// caller frees; none prompts for a password, so encrypted PEM simply fails to load.
enum KeyLoading {
    /// A private key from PEM (PKCS#8 or traditional) or from DER (PKCS#8 or PKCS#1). Caller: EVP_PKEY_free.
    /// Works on a cleansed copy of the PEM text, which holds the key.
    static func privateKey(pem: String) -> OpaquePointer? {
        var bytes = Array(pem.utf8)
        defer { OpenSSL.cleanse(&bytes) }
        return privateKey(bytes)
    }

    static func privateKey(_ bytes: [UInt8]) -> OpaquePointer? {
        looksLikePEM(bytes) ? privateKeyFromPEM(bytes) : privateKeyFromDER(bytes)
    }

    static func privateKeyFromPEM(_ bytes: [UInt8]) -> OpaquePointer? {
        OpenSSL.withReadOnlyBIO(bytes) { PEM_read_bio_PrivateKey($0, nil, refusePEMPassword, nil) }
    }

    static func privateKeyFromDER(_ bytes: [UInt8]) -> OpaquePointer? {
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let key = d2i_AutoPrivateKey(nil, &cursor, buffer.count)
            // Trailing bytes after the key mean this was not (only) a key.
            guard let key, cursor == buffer.baseAddress! + buffer.count else {
                EVP_PKEY_free(key)
                return nil
            }
            return key
        }
    }

    /// A SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`) key. Caller: EVP_PKEY_free.
    static func publicKey(pem: String) -> OpaquePointer? {
        OpenSSL.withReadOnlyBIO(Array(pem.utf8)) { PEM_read_bio_PUBKEY($0, nil, refusePEMPassword, nil) }
    }

    /// The first certificate of a PEM text. Caller: X509_free.
    static func certificate(pem: String) -> OpaquePointer? {
        OpenSSL.withReadOnlyBIO(Array(pem.utf8)) { PEM_read_bio_X509($0, nil, refusePEMPassword, nil) }
    }

    /// How many certificates a PEM bundle holds; nil when one of its certificate blocks does not parse.
    static func certificateCount(pem: String) -> Int? {
        OpenSSL.withReadOnlyBIO(Array(pem.utf8)) { bio in
            var count = 0
            while let certificate = PEM_read_bio_X509(bio, nil, refusePEMPassword, nil) {
                X509_free(certificate)
                count += 1
            }
            // Reading stops at the end of the text ("no start line") or at a block that is not a certificate.
            let endedCleanly = ERR_GET_REASON(ERR_peek_last_error()) == PEM_R_NO_START_LINE
            ERR_clear_error()
            return endedCleanly ? count : nil
        }
    }

    private static func looksLikePEM(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        guard bytes.count >= marker.count else { return false }
        return (0...(bytes.count - marker.count)).contains { bytes[$0..<($0 + marker.count)].elementsEqual(marker) }
    }

    static func isRSA(_ key: OpaquePointer) -> Bool {
        EVP_PKEY_is_a(key, "RSA") == 1
    }
}
