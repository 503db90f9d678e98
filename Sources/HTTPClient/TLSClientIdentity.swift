import COpenSSL

/// Installs a `ClientCertificate` on one SSL connection: the chain and key it presents, and a verification store
/// of the system CAs, the client's extra CA file and the identity's own CAs. The shared SSL_CTX is left as it is.
enum TLSClientIdentity {
    static func install(
        _ identity: ClientCertificate, on ssl: OpaquePointer, additionalTrustedCAFile: String?
    ) throws(HTTPClientError) {
        defer { ERR_clear_error() }
        let chain = certificates(identity.certificatePEM)
        defer { chain.forEach { X509_free($0) } }
        guard let leaf = chain.first, SSL_use_certificate(ssl, leaf) == 1 else {
            throw .tlsFailed("the client certificate does not load")
        }
        for intermediate in chain.dropFirst() {
            // SSL_add1_chain_cert, a macro: the connection takes its own reference.
            guard SSL_ctrl(ssl, SSL_CTRL_CHAIN_CERT, 1, UnsafeMutableRawPointer(intermediate)) == 1 else {
                throw .tlsFailed("the client certificate chain does not load")
            }
        }
        guard let key = privateKey(identity.privateKeyPEM) else { throw .tlsFailed("the client key does not load") }
        defer { EVP_PKEY_free(key) }
        guard SSL_use_PrivateKey(ssl, key) == 1, SSL_check_private_key(ssl) == 1 else {
            throw .tlsFailed("the client key does not match its certificate")
        }
        try installTrust(identity.trustedCAPEM, on: ssl, additionalTrustedCAFile: additionalTrustedCAFile)
    }

    private static func installTrust(
        _ caPEM: String, on ssl: OpaquePointer, additionalTrustedCAFile: String?
    ) throws(HTTPClientError) {
        guard let store = X509_STORE_new() else { throw .tlsFailed("out of memory") }
        defer { X509_STORE_free(store) }
        guard X509_STORE_set_default_paths(store) == 1 else { throw .tlsFailed("no system CA store") }
        if let file = additionalTrustedCAFile, X509_STORE_load_file(store, file) != 1 {
            throw .tlsFailed("cannot load the trusted CA file")
        }
        let authorities = certificates(caPEM)
        defer { authorities.forEach { X509_free($0) } }
        for authority in authorities where X509_STORE_add_cert(store, authority) != 1 {
            throw .tlsFailed("the credential's CA certificates do not load")
        }
        // set1: the connection takes its own reference to the store.
        guard SSL_ctrl(ssl, SSL_CTRL_SET_VERIFY_CERT_STORE, 1, UnsafeMutableRawPointer(store)) == 1 else {
            throw .tlsFailed("cannot install the CA certificates")
        }
    }

    /// Every certificate of a PEM text, in order; empty for none. Caller: X509_free each.
    private static func certificates(_ pem: String) -> [OpaquePointer] {
        withReadOnlyBIO(Array(pem.utf8)) { bio in
            var found: [OpaquePointer] = []
            while let certificate = PEM_read_bio_X509(bio, nil, refusePassword, nil) { found.append(certificate) }
            return found
        } ?? []
    }

    /// An unencrypted private key in PEM (an encrypted one fails: no password is ever asked for). Caller:
    /// EVP_PKEY_free. Read in place from a copy that is zeroed afterwards.
    private static func privateKey(_ pem: String) -> OpaquePointer? {
        var bytes = Array(pem.utf8)
        defer { for index in bytes.indices { bytes[index] = 0 } }
        return withReadOnlyBIO(bytes) { PEM_read_bio_PrivateKey($0, nil, refusePassword, nil) } ?? nil
    }

    /// A read-only memory BIO over `bytes` for the duration of `body` (BIO_new_mem_buf reads them in place).
    private static func withReadOnlyBIO<R>(_ bytes: [UInt8], _ body: (OpaquePointer) -> R) -> R? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, buffer.count < Int(Int32.max),
                  let bio = BIO_new_mem_buf(base, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }
}

/// PEM's password callback: none is ever given, so OpenSSL never prompts on a terminal.
private func refusePassword(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int32, _ writing: Int32, _ context: UnsafeMutableRawPointer?
) -> Int32 {
    0
}
