import COpenSSL

public enum SecureRandom {
    /// Bytes from OpenSSL's CSPRNG (RAND_bytes). Traps if the CSPRNG fails: carrying on without randomness
    /// (nonces, API keys) would be worse than stopping.
    public static func bytes(count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        var bytes = [UInt8](repeating: 0, count: count)
        fill(&bytes)
        return bytes
    }

    /// Overwrites `buffer` with random bytes.
    static func fill(_ buffer: inout [UInt8]) {
        buffer.withUnsafeMutableBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let chunk = min(buffer.count - offset, Int(Int32.max))
                guard RAND_bytes(buffer.baseAddress! + offset, Int32(chunk)) == 1 else {
                    ERR_clear_error()
                    fatalError("RAND_bytes failed: the OpenSSL CSPRNG is unusable")
                }
                offset += chunk
            }
        }
    }
}
