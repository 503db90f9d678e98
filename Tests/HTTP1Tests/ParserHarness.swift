import HTTP1

/// What parsing a whole request (head, then body per its framing) produced.
enum Outcome: Equatable, CustomStringConvertible {
    case request(RequestHead, body: [UInt8], consumed: Int)
    case failure(HTTPParseError)
    case incomplete

    var description: String {
        switch self {
        case .request(let head, let body, let consumed):
            "\(head.method) \(head.target) \(head.version) body=\(String(decoding: body, as: UTF8.self)) consumed=\(consumed)"
        case .failure(let error): "failure(\(error), \(error.status.code))"
        case .incomplete: "incomplete"
        }
    }

    var status: Int? {
        if case .failure(let error) = self { return error.status.code }
        return nil
    }
}

/// Feeds `bytes` in the given pieces, the way the server does: parser until a head, then the body reader.
func parseRequest(_ pieces: [[UInt8]], limits: ParserLimits = .init()) -> Outcome {
    var parser = RequestParser(limits: limits)
    var decoder = ChunkedDecoder(limits: limits)
    var buffer: [UInt8] = []
    var readIndex = 0
    var head: RequestHead?
    var framing = BodyFraming.none
    var body: [UInt8] = []
    do {
        for piece in pieces {
            buffer += piece
            if head == nil {
                guard case .head(let parsed, let consumed) = try parser.parse(Array(buffer[readIndex...])) else {
                    continue
                }
                head = parsed
                readIndex += consumed
                framing = try BodyFraming.decide(for: parsed, limits: limits)
            }
            switch framing {
            case .none: break
            case .contentLength(let length):
                let take = min(length - body.count, buffer.count - readIndex)
                body += buffer[readIndex..<(readIndex + take)]
                readIndex += take
            case .chunked:
                readIndex += try decoder.decode(Array(buffer[readIndex...]), into: &body)
            }
        }
    } catch {
        return .failure(error)
    }
    guard let head else { return .incomplete }
    switch framing {
    case .none: break
    case .contentLength(let length): if body.count < length { return .incomplete }
    case .chunked: if !decoder.isComplete { return .incomplete }
    }
    return .request(head, body: body, consumed: readIndex)
}

func parseRequest(_ text: String, limits: ParserLimits = .init()) -> Outcome {
    parseRequest([Array(text.utf8)], limits: limits)
}

/// Every way of cutting the input in two, plus one byte at a time.
func splits(of bytes: [UInt8]) -> [[[UInt8]]] {
    var result: [[[UInt8]]] = (1..<bytes.count).map { [Array(bytes[..<$0]), Array(bytes[$0...])] }
    result.append(bytes.map { [$0] })
    return result
}
