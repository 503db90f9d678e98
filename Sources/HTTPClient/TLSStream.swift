import COpenSSL
import Glibc

/// TLS over a connected `Socket`, with the certificate checked for the URL's host (name or IP literal)
/// and SNI sent for names. Every wait is bounded by the request's deadline.
final class TLSStream {
    private let socket: Socket
    private let ssl: OpaquePointer

    init(
        socket: Socket, context: TLSContext, host: String, identity: (ClientCertificate, extraCAFile: String?)? = nil,
        deadline: Deadline
    ) throws(HTTPClientError) {
        guard let ssl = SSL_new(context.context) else { throw .tlsFailed(TLSContext.lastError()) }
        self.socket = socket
        self.ssl = ssl
        SSL_set_fd(ssl, socket.descriptor)
        if let (certificate, extraCAFile) = identity {
            try TLSClientIdentity.install(certificate, on: ssl, additionalTrustedCAFile: extraCAFile)
        }
        if IPAddress(host) != nil {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1 else { throw .tlsFailed("invalid host") }
        } else {
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            let sni = host.withCString {  // SSL_set_tlsext_host_name is a macro; OpenSSL copies the name
                SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), UnsafeMutableRawPointer(mutating: $0))
            }
            guard SSL_set1_host(ssl, host) == 1, sni == 1 else { throw .tlsFailed("invalid host") }
        }
        try perform(deadline: deadline) { SSL_connect($0) }
    }

    deinit { SSL_free(ssl) }

    var descriptor: Int32 { socket.descriptor }

    /// Whether OpenSSL holds decrypted bytes not yet read (on an idle connection: something the peer sent unasked).
    var hasBufferedInput: Bool { SSL_pending(ssl) > 0 }

    func write(_ bytes: [UInt8], deadline: Deadline) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            offset += try perform(deadline: deadline) { ssl in
                bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            }
        }
    }

    /// Reads what is available into `buffer`; 0 means the peer closed.
    func read(into buffer: inout [UInt8], deadline: Deadline) throws(HTTPClientError) -> Int {
        let result = buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(HTTPClientError) in
                try perform(deadline: deadline, closeIsEOF: true) { SSL_read($0, bytes.baseAddress, Int32(bytes.count)) }
            }
        }
        return try result.get()
    }

    /// Runs one OpenSSL call until it completes, waiting on the socket whenever it wants to read or write.
    @discardableResult
    private func perform(
        deadline: Deadline, closeIsEOF: Bool = false, _ call: (OpaquePointer) -> Int32
    ) throws(HTTPClientError) -> Int {
        while true {
            ERR_clear_error()
            let result = call(ssl)
            if result > 0 { return Int(result) }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ: try socket.wait(for: Int16(POLLIN), deadline: deadline)
            case SSL_ERROR_WANT_WRITE: try socket.wait(for: Int16(POLLOUT), deadline: deadline)
            case SSL_ERROR_ZERO_RETURN where closeIsEOF: return 0
            case SSL_ERROR_SSL: throw .tlsFailed(failureReason())
            default: throw closeIsEOF ? .connectionLost : .tlsFailed("the connection closed during the handshake")
            }
        }
    }

    private func failureReason() -> String {
        let verification = SSL_get_verify_result(ssl)
        guard verification != X509_V_OK else { return TLSContext.lastError() }
        ERR_clear_error()
        return "certificate verification failed: " + String(cString: X509_verify_cert_error_string(verification))
    }
}
