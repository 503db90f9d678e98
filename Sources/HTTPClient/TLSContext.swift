import COpenSSL

/// A client SSL_CTX: TLS 1.2 or later, peers verified against the system CA store (plus an optional extra file).
/// OpenSSL allows one configured SSL_CTX to be shared by connections on many threads.
final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer

    init(additionalTrustedCAFile: String?) throws(HTTPClientError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw .tlsFailed(TLSContext.lastError()) }
        self.context = context
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil)
        // Servers that close without close_notify are common; framing (Content-Length, chunked) still detects
        // truncation, and a cut close-delimited body fails JSON parsing.
        SSL_CTX_set_options(context, UInt64(1) << 7)  // SSL_OP_IGNORE_UNEXPECTED_EOF (a function-like macro)
        guard SSL_CTX_set_default_verify_paths(context) == 1 else { throw .tlsFailed("no system CA store") }
        if let file = additionalTrustedCAFile, SSL_CTX_load_verify_locations(context, file, nil) != 1 {
            throw .tlsFailed("cannot load the trusted CA file")
        }
    }

    deinit { SSL_CTX_free(context) }

    /// The reason of the oldest queued OpenSSL error (then the queue is cleared), without any data.
    static func lastError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0, let reason = ERR_reason_error_string(code) else { return "handshake failed" }
        return String(cString: reason)
    }
}
