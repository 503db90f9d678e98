import COpenSSL

/// RSASSA-PKCS1-v1_5 on keys already parsed into an EVP_PKEY; shared by `RSAKeys`, `RSAPublicKey` and the
/// private-key usability check.
enum RSASignature {
    static func sign(
        _ message: [UInt8], key: OpaquePointer, algorithm: RSAKeys.SignatureAlgorithm
    ) throws(CryptoError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw .openSSL(OpenSSL.drainError("EVP_MD_CTX_new failed")) }
        defer { EVP_MD_CTX_free(context) }
        var length = 0
        var signature = [UInt8](repeating: 0, count: Int(EVP_PKEY_get_size(key)))
        let signed = message.withNonNullBytes { messageBytes, messageCount in
            length = signature.count
            return EVP_DigestSignInit(context, nil, algorithm.digest.evp, nil, key) == 1
                && EVP_DigestSign(context, &signature, &length, messageBytes, messageCount) == 1
        }
        guard signed, length <= signature.count else { throw .openSSL(OpenSSL.drainError("RSA signing failed")) }
        return Array(signature.prefix(length))
    }

    /// False for a bad signature or any OpenSSL failure. Uses only the public half (n, e) of `key`.
    static func verify(
        _ message: [UInt8], signature: [UInt8], key: OpaquePointer, algorithm: RSAKeys.SignatureAlgorithm
    ) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, algorithm.digest.evp, nil, key) == 1 else { return false }
        return signature.withNonNullBytes { signatureBytes, signatureCount in
            message.withNonNullBytes { messageBytes, messageCount in
                EVP_DigestVerify(context, signatureBytes, signatureCount, messageBytes, messageCount) == 1
            }
        }
    }
}
