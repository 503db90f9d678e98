import COpenSSL

/// AES-256-GCM through EVP with a 96-bit nonce and a 128-bit tag.
enum AESGCM {
    /// Fetched once: an explicit fetch skips the provider lookup that EVP_aes_256_gcm() costs on every init.
    /// A fetched EVP_CIPHER is immutable and documented as safe to share between threads.
    private nonisolated(unsafe) static let cipher: OpaquePointer = {
        guard let cipher = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) ?? EVP_aes_256_gcm() else {
            fatalError(OpenSSL.drainError("AES-256-GCM is unavailable"))
        }
        return cipher
    }()

    static func seal(
        key: SymmetricKey, nonce: [UInt8], plaintext: [UInt8], associatedData: [UInt8]
    ) throws(CryptoError) -> (ciphertext: [UInt8], tag: [UInt8]) {
        precondition(nonce.count == SealedBlob.nonceLength)
        guard plaintext.count < Int(Int32.max), associatedData.count < Int(Int32.max) else {
            throw .openSSL("input too large for one AES-GCM call")
        }
        // One spare byte keeps the output pointer non-null for empty input: a null output marks AAD to EVP.
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 1)
        var tag = [UInt8](repeating: 0, count: SealedBlob.tagLength)
        let ok = try withContext(key: key, nonce: nonce, encrypting: true) { context in
            var written: Int32 = 0
            var finalWritten: Int32 = 0
            return associatedData.withNonNullBytes { aad, aadCount in
                plaintext.withNonNullBytes { input, inputCount in
                    ciphertext.withUnsafeMutableBufferPointer { buffer in
                        let output = buffer.baseAddress!
                        return EVP_EncryptUpdate(context, nil, &written, aad, Int32(aadCount)) == 1
                            && EVP_EncryptUpdate(context, output, &written, input, Int32(inputCount)) == 1
                            && EVP_EncryptFinal_ex(context, output + Int(written), &finalWritten) == 1
                            && Int(written + finalWritten) == inputCount
                    }
                }
            } && EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tag.count), &tag) == 1
        }
        guard ok else { throw .openSSL(OpenSSL.drainError("AES-GCM encryption failed")) }
        ciphertext.removeLast()
        return (ciphertext, tag)
    }

    /// The plaintext, or `.authenticationFailed` when the tag does not match.
    static func open(
        key: SymmetricKey, nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8], associatedData: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        guard nonce.count == SealedBlob.nonceLength, tag.count == SealedBlob.tagLength,
            ciphertext.count < Int(Int32.max), associatedData.count < Int(Int32.max)
        else { throw .malformedCiphertext }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 1)  // spare byte: see seal
        var expectedTag = tag
        let authentic = try withContext(key: key, nonce: nonce, encrypting: false) { context in
            var written: Int32 = 0
            var finalWritten: Int32 = 0
            return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(expectedTag.count), &expectedTag) == 1
                && associatedData.withNonNullBytes { aad, aadCount in
                    ciphertext.withNonNullBytes { input, inputCount in
                        plaintext.withUnsafeMutableBufferPointer { buffer in
                            let output = buffer.baseAddress!
                            return EVP_DecryptUpdate(context, nil, &written, aad, Int32(aadCount)) == 1
                                && EVP_DecryptUpdate(context, output, &written, input, Int32(inputCount)) == 1
                                // Final is where GCM compares the tag.
                                && EVP_DecryptFinal_ex(context, output + Int(written), &finalWritten) == 1
                        }
                    }
                }
        }
        guard authentic else {
            OpenSSL.cleanse(&plaintext)
            ERR_clear_error()
            throw .authenticationFailed
        }
        plaintext.removeLast()
        return plaintext
    }

    private static func withContext(
        key: SymmetricKey, nonce: [UInt8], encrypting: Bool, _ body: (OpaquePointer) -> Bool
    ) throws(CryptoError) -> Bool {
        guard let context = EVP_CIPHER_CTX_new() else {
            throw .openSSL(OpenSSL.drainError("EVP_CIPHER_CTX_new failed"))
        }
        // EVP_CIPHER_CTX_free also cleanses the expanded key schedule.
        defer { EVP_CIPHER_CTX_free(context) }
        let initialised = key.withBytes { keyBytes in
            encrypting
                ? EVP_EncryptInit_ex2(context, cipher, keyBytes, nonce, nil) == 1
                : EVP_DecryptInit_ex2(context, cipher, keyBytes, nonce, nil) == 1
        }
        guard initialised else { throw .openSSL(OpenSSL.drainError("AES-GCM initialisation failed")) }
        return body(context)
    }
}
