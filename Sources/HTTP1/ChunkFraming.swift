/// Chunked transfer coding on the sending side (RFC 9112 §7.1): a size line before each chunk's data, CRLF after
/// it, and a last chunk of size zero without trailers.
public enum ChunkFraming {
    /// `count` in hex, then CRLF: what goes before a chunk's data.
    public static func sizeLine(_ count: Int) -> [UInt8] { Array(String(count, radix: 16).utf8) + crlf }

    /// The data after a chunk's data and before the next size line.
    public static let crlf: [UInt8] = [13, 10]

    /// The last chunk and the empty trailer section.
    public static let last: [UInt8] = Array("0\r\n\r\n".utf8)

    /// One whole chunk; empty data makes none (a zero size would end the body).
    public static func chunk(_ data: [UInt8]) -> [UInt8] {
        guard !data.isEmpty else { return [] }
        return sizeLine(data.count) + data + crlf
    }
}
