/// Decodes a chunked body (RFC 9112 §7.1) one buffer at a time, like picohttpparser's `phr_chunked_decoder`:
/// a value you feed bytes to, which appends data to the body and reports how much input it used.
/// Chunk extensions are checked against RFC 9112 §7.1.1 and ignored; trailer fields are checked, bounded and
/// discarded.
public struct ChunkedDecoder: Sendable {
    enum State: Sendable, Equatable {
        case size(digits: Int), afterSize, sizeLF
        /// chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ), one byte at a time.
        case extensionNameStart, extensionName, afterExtensionName, extensionValueStart, extensionValue
        case quotedValue, quotedPair, afterExtensionValue
        case data(remaining: Int), dataCR, dataLF
        case trailerLineStart, trailerName, trailerValue, trailerLF, finalLF
        case done
    }

    /// Chunk-size line (size, whitespace and extensions) cap; longer lines are 400.
    public static let maxChunkLineBytes = 4096
    public let limits: ParserLimits
    private(set) var state: State = .size(digits: 0)
    private var chunkSize = 0
    private var lineBytes = 0
    private var trailerBytes = 0
    private var trailerFields = 0
    public private(set) var bodyBytes = 0

    public init(limits: ParserLimits = .init()) { self.limits = limits }

    public var isComplete: Bool { state == .done }

    public mutating func decode(_ input: [UInt8], into body: inout [UInt8]) throws(HTTPParseError) -> Int {
        let result = input.withUnsafeBytes { buffer in
            Result { () throws(HTTPParseError) in try decode(buffer, into: &body) }
        }
        return try result.get()
    }

    /// Consumes as much of `input` as it can, appending chunk data to `body`; returns the bytes used.
    /// Stops right after the final CRLF, so bytes of a pipelined next request are left alone.
    public mutating func decode(_ input: UnsafeRawBufferPointer, into body: inout [UInt8]) throws(HTTPParseError) -> Int {
        var index = 0
        while index < input.count, state != .done {
            if case .data(let remaining) = state {
                let take = min(remaining, input.count - index)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[index..<(index + take)]))
                index += take
                state = take == remaining ? .dataCR : .data(remaining: remaining - take)
                continue
            }
            try step(input[index])
            index += 1
        }
        return index
    }

    private mutating func step(_ byte: UInt8) throws(HTTPParseError) {
        switch state {
        case .size(let digits):
            if let value = ASCII.hexValue(byte) {
                guard chunkSize <= (Int.max - value) >> 4 else { throw .chunkSizeOverflow }
                chunkSize = chunkSize << 4 | value
                state = .size(digits: digits + 1)
            } else {
                guard digits > 0 else { throw byte == ASCII.lf ? .bareLF : .invalidChunkSize }
                try afterSize(byte)
            }
            try countLineByte()
        case .afterSize:
            try afterSize(byte)
            try countLineByte()
        case .extensionNameStart, .extensionName, .afterExtensionName, .extensionValueStart, .extensionValue,
             .quotedValue, .quotedPair, .afterExtensionValue:
            try extensionStep(byte)
            try countLineByte()
        case .sizeLF:
            guard byte == ASCII.lf else { throw .bareCR }
            try startChunk()
        case .dataCR:
            guard byte == ASCII.cr else { throw .invalidChunkTerminator }
            state = .dataLF
        case .dataLF:
            guard byte == ASCII.lf else { throw .invalidChunkTerminator }
            state = .size(digits: 0)
        default:
            try trailerStep(byte)
        }
    }

    private mutating func afterSize(_ byte: UInt8) throws(HTTPParseError) {
        switch byte {
        case ASCII.space, ASCII.tab: state = .afterSize  // BWS before an extension
        case UInt8(ascii: ";"): state = .extensionNameStart
        case ASCII.cr: state = .sizeLF
        case ASCII.lf: throw .bareLF
        default: throw .invalidChunkSize
        }
    }

    /// One byte of the chunk extensions. Whitespace is allowed where BWS is, and, as after the size, before the
    /// CRLF; anything else that is not `name[=value]` is 400.
    private mutating func extensionStep(_ byte: UInt8) throws(HTTPParseError) {
        let isSpace = byte == ASCII.space || byte == ASCII.tab
        switch state {
        case .extensionNameStart where isSpace, .afterExtensionName where isSpace,
             .extensionValueStart where isSpace, .afterExtensionValue where isSpace:
            return
        case .extensionNameStart where ASCII.isTokenByte(byte), .extensionName where ASCII.isTokenByte(byte):
            state = .extensionName
        case .extensionValueStart where byte == UInt8(ascii: "\""):
            state = .quotedValue
        case .extensionValueStart where ASCII.isTokenByte(byte), .extensionValue where ASCII.isTokenByte(byte):
            state = .extensionValue
        case .extensionName where isSpace:
            state = .afterExtensionName
        case .extensionValue where isSpace:
            state = .afterExtensionValue
        case .extensionName where byte == UInt8(ascii: "="), .afterExtensionName where byte == UInt8(ascii: "="):
            state = .extensionValueStart
        case .quotedValue where byte == UInt8(ascii: "\""):
            state = .afterExtensionValue
        case .quotedValue where byte == UInt8(ascii: "\\"):
            state = .quotedPair
        case .quotedValue where Self.isQuotedTextByte(byte), .quotedPair where ASCII.isFieldValueByte(byte):
            state = .quotedValue
        case .extensionName, .afterExtensionName, .extensionValue, .afterExtensionValue:
            switch byte {
            case UInt8(ascii: ";"): state = .extensionNameStart
            case ASCII.cr: state = .sizeLF
            case ASCII.lf: throw .bareLF
            default: throw .invalidChunkExtension
            }
        default:
            throw byte == ASCII.lf ? .bareLF : .invalidChunkExtension
        }
    }

    /// qdtext (RFC 9110 §5.6.4): HTAB, SP, visible ASCII except `"` and `\`, and obs-text.
    private static func isQuotedTextByte(_ byte: UInt8) -> Bool {
        ASCII.isFieldValueByte(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }

    private mutating func countLineByte() throws(HTTPParseError) {
        lineBytes += 1
        guard lineBytes <= Self.maxChunkLineBytes else { throw .chunkLineTooLong }
    }

    private mutating func startChunk() throws(HTTPParseError) {
        lineBytes = 0
        if chunkSize == 0 {
            state = .trailerLineStart
            return
        }
        guard chunkSize <= limits.maxBodyBytes - bodyBytes else { throw .contentTooLarge }
        bodyBytes += chunkSize
        state = .data(remaining: chunkSize)
        chunkSize = 0
    }

    private mutating func trailerStep(_ byte: UInt8) throws(HTTPParseError) {
        trailerBytes += 1
        guard trailerBytes <= limits.maxHeaderBytes else { throw .headerSectionTooLarge }
        switch state {
        case .trailerLineStart:
            if byte == ASCII.cr { state = .finalLF; return }
            guard ASCII.isTokenByte(byte) else {
                throw byte == ASCII.space || byte == ASCII.tab ? .obsoleteLineFolding : .invalidTrailer
            }
            trailerFields += 1
            guard trailerFields <= limits.maxHeaderCount else { throw .tooManyHeaderFields }
            state = .trailerName
        case .trailerName:
            if byte == ASCII.colon { state = .trailerValue } else if !ASCII.isTokenByte(byte) {
                throw byte == ASCII.space || byte == ASCII.tab ? .whitespaceBeforeColon : .invalidTrailer
            }
        case .trailerValue:
            if byte == ASCII.cr { state = .trailerLF } else if byte == ASCII.lf { throw .bareLF } else {
                guard ASCII.isFieldValueByte(byte) else { throw .invalidTrailer }
            }
        case .trailerLF:
            guard byte == ASCII.lf else { throw .bareCR }
            state = .trailerLineStart
        case .finalLF:
            guard byte == ASCII.lf else { throw .bareCR }
            state = .done
        default:
            return
        }
    }
}
