import COpenSSL

/// Small helpers shared by the OpenSSL wrappers. OpenSSL's error queue is thread-local, so clearing it here never
/// touches another thread's state.
enum OpenSSL {
    /// The first queued error as text, after which the queue is emptied.
    static func drainError(_ fallback: String) -> String {
        let code = ERR_get_error()
        defer { ERR_clear_error() }
        guard code != 0 else { return fallback }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return "\(fallback) (\(text))"
    }

    /// Runs `body` with a read-only memory BIO over `bytes`. BIO_new_mem_buf reads the caller's memory in place,
    /// so no stray copy of a key is left in OpenSSL's heap.
    static func withReadOnlyBIO<R>(_ bytes: [UInt8], _ body: (OpaquePointer) -> R?) -> R? {
        bytes.withNonNullBytes { pointer, count in
            guard count < Int(Int32.max), let bio = BIO_new_mem_buf(pointer, Int32(count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    /// Runs `write` against an empty memory BIO and returns what it wrote as a string; nil when `write` fails.
    /// `secret` output goes through a secure-memory BIO, which cleanses its buffer when freed.
    static func writeToString(secret: Bool = false, _ write: (OpaquePointer) -> Bool) -> String? {
        guard let bio = BIO_new(secret ? BIO_s_secmem() : BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard write(bio) else { return nil }
        let length = Int(BIO_ctrl_pending(bio))
        var output = [UInt8](repeating: 0, count: length)
        let read = output.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(length)) }
        defer { if secret { cleanse(&output) } }
        guard read == Int32(length) else { return nil }
        return String(decoding: output, as: UTF8.self)
    }

    /// Overwrites secret bytes before their memory is released.
    static func cleanse(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { OPENSSL_cleanse(base, raw.count) }
        }
    }
}

extension Array where Element == UInt8 {
    /// OpenSSL wants a non-null pointer even for zero-length input; Swift promises none for an empty array.
    func withNonNullBytes<R, E: Error>(_ body: (UnsafePointer<UInt8>, Int) throws(E) -> R) throws(E) -> R {
        if isEmpty {
            var zero: UInt8 = 0
            return try withUnsafePointer(to: &zero) { (pointer) throws(E) -> R in try body(pointer, 0) }
        }
        return try withUnsafeBufferPointer { (buffer) throws(E) -> R in try body(buffer.baseAddress!, buffer.count) }
    }
}

/// The PEM password callback used everywhere: it supplies no password, so encrypted PEM fails to load instead of
/// OpenSSL's default callback prompting on a TTY (and blocking a server thread).
func refusePEMPassword(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int32, _ writing: Int32, _ context: UnsafeMutableRawPointer?
) -> Int32 {
    0
}
