import CZlib

/// The gzip format (RFC 1952) through zlib: whole bodies compressed for answers, and request bodies inflated as a
/// stream that stops as soon as the output passes a limit, so a small body that inflates to gigabytes (a "bomb")
/// costs at most `limit` bytes of memory and the time to produce them.
public enum Gzip {
    /// zlib's window bits for the gzip wrapper: a 32 KiB window (15) plus 16 for gzip's header and trailer.
    private static let gzipWindowBits: Int32 = 15 + 16

    /// The body in gzip format. `level` 1 (fastest) … 9 (smallest).
    public static func compress(_ input: [UInt8], level: Int32) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, gzipWindowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            fatalError("zlib could not allocate a deflate stream")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        return input.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: bound) { output, count in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(bound)
                // deflateBound is enough for one Z_FINISH call to end the stream.
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate did not finish within deflateBound")
                count = Int(stream.total_out)
            }
        }
    }

    /// The inflated body, or an error: more than `limit` bytes (`.tooLarge`, found after producing `limit` + 1
    /// at most), input that ends inside a member (`.truncated`), or bytes that are not gzip (`.corrupt`).
    /// Several members one after another are one body (RFC 1952 §2.2).
    public static func decompress(_ input: [UInt8], limit: Int) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, gzipWindowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            fatalError("zlib could not allocate an inflate stream")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit + 1, max(4 * input.count, 1024)))
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let result: Result<Void, GzipError> = input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            return chunk.withUnsafeMutableBufferPointer { scratch in
                while true {
                    // Never ask for more than one byte past the limit: that byte proves the body too large.
                    let room = min(scratch.count, limit + 1 - output.count)
                    stream.next_out = scratch.baseAddress
                    stream.avail_out = uInt(room)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    let produced = room - Int(stream.avail_out)
                    output.append(contentsOf: scratch[..<produced])
                    if output.count > limit { return .failure(.tooLarge(limit: limit)) }
                    switch status {
                    case Z_OK: continue
                    case Z_STREAM_END:
                        if stream.avail_in == 0 { return .success(()) }
                        guard inflateReset(&stream) == Z_OK else { return .failure(.corrupt("bad member")) }
                    case Z_BUF_ERROR:
                        // No progress with output room left: the input ended inside a member.
                        return .failure(stream.avail_in == 0 ? .truncated : .corrupt("no progress"))
                    default:
                        let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                        return .failure(.corrupt(reason))
                    }
                }
            }
        }
        try result.get()
        return output
    }
}

/// Why a gzip body could not be inflated.
public enum GzipError: Error, Equatable, Sendable {
    /// The body inflates to more than `limit` bytes.
    case tooLarge(limit: Int)
    /// The input ends before the gzip stream does.
    case truncated
    /// The input is not gzip, or its checksum or length does not match; zlib's reason.
    case corrupt(String)
}
