/// Decodes a chunked response body (RFC 9112 §7.1). Extensions are ignored; trailers are bounded and discarded.
/// Temporary: replaced by HTTP1's `ChunkedDecoder` once that lands on main.
struct ResponseChunkedBody: Sendable {
    enum State: Equatable { case size, sizeLF, data(Int), dataCR, dataLF, trailer, trailerLF, done }

    let maxBodyBytes: Int
    let maxTrailerBytes: Int
    private var state = State.size
    private var line: [UInt8] = []
    private var trailerBytes = 0

    init(maxBodyBytes: Int, maxTrailerBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    var isComplete: Bool { state == .done }

    /// Appends chunk data to `body`; returns how many input bytes were used.
    mutating func decode(_ input: [UInt8], into body: inout [UInt8]) throws(ResponseParseError) -> Int {
        var index = 0
        while index < input.count, state != .done {
            if case .data(let remaining) = state {
                let take = min(remaining, input.count - index)
                body.append(contentsOf: input[index..<(index + take)])
                index += take
                state = take == remaining ? .dataCR : .data(remaining - take)
                continue
            }
            try step(input[index], bodyCount: body.count)
            index += 1
        }
        return index
    }

    private mutating func step(_ byte: UInt8, bodyCount: Int) throws(ResponseParseError) {
        switch state {
        case .size, .trailer:
            if byte == 13 { state = state == .size ? .sizeLF : .trailerLF; return }
            guard byte != 10, line.count < 4096 else { throw .malformedChunkedBody }
            line.append(byte)
            if state == .trailer {
                trailerBytes += 1
                guard trailerBytes <= maxTrailerBytes else { throw .headerSectionTooLarge }
            }
        case .sizeLF:
            guard byte == 10 else { throw .malformedChunkedBody }
            let size = try Self.chunkSize(line)
            line.removeAll()
            guard size <= maxBodyBytes - bodyCount else { throw .bodyTooLarge }
            state = size == 0 ? .trailer : .data(size)
        case .dataCR:
            guard byte == 13 else { throw .malformedChunkedBody }
            state = .dataLF
        case .dataLF:
            guard byte == 10 else { throw .malformedChunkedBody }
            state = .size
        case .trailerLF:
            guard byte == 10 else { throw .malformedChunkedBody }
            state = line.isEmpty ? .done : .trailer
            line.removeAll()
        case .data, .done:
            return
        }
    }

    /// `1*HEXDIG [BWS ";" extension]`: only the hexadecimal size counts.
    private static func chunkSize(_ line: [UInt8]) throws(ResponseParseError) -> Int {
        let digits = line.prefix { Self.hexValue($0) != nil }
        let rest = line.dropFirst(digits.count).drop { $0 == 0x20 || $0 == 0x09 }
        guard (1...15).contains(digits.count), rest.isEmpty || rest.first == UInt8(ascii: ";") else {
            throw .malformedChunkedBody
        }
        return digits.reduce(0) { $0 << 4 | Self.hexValue($1)! }
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }
}
