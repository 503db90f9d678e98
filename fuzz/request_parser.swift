// libFuzzer target: the request-head parser and body framing, compiled into module HTTP1 by fuzz/build.sh.
// Oracles beyond "no crash": the verdict must not depend on how the bytes are split across reads, a head's
// `consumed` stays inside the input, and a decided Content-Length respects the limit.

private let limits: ParserLimits = {
    var limits = ParserLimits()
    limits.maxRequestLineBytes = 256  // small limits so the fuzzer reaches the limit paths with short inputs
    limits.maxHeaderBytes = 512
    limits.maxHeaderCount = 8
    limits.maxBodyBytes = 1024
    return limits
}()

/// What a whole request (head, framing, body) produced: comparable across different read splits.
private enum Verdict: Equatable {
    case failed(HTTPParseError)
    case incomplete
    case request(RequestHead, BodyFraming, body: [UInt8], consumed: Int)
}

private func run(_ bytes: [UInt8], cuts: [Int]) -> Verdict {
    var parser = RequestParser(limits: limits)
    var decoder = ChunkedDecoder(limits: limits)
    var available = 0
    var head: (RequestHead, BodyFraming, Int)?
    var body: [UInt8] = []
    var bodyConsumed = 0
    do {
        for end in cuts + [bytes.count] where end > available {
            available = end
            if head == nil {
                guard case .head(let parsed, let consumed) = try parser.parse(Array(bytes[..<available])) else { continue }
                check(consumed > 0 && consumed <= available, "head consumed \(consumed) of \(available)")
                let framing = try BodyFraming.decide(for: parsed, limits: limits)
                if case .contentLength(let length) = framing { check(length > 0 && length <= limits.maxBodyBytes, "length \(length)") }
                head = (parsed, framing, consumed)
            }
            guard let (_, framing, headBytes) = head else { continue }
            let start = headBytes + bodyConsumed
            switch framing {
            case .none: break
            case .contentLength(let length):
                let take = min(length - body.count, available - start)
                body += bytes[start..<(start + take)]
                bodyConsumed += take
            case .chunked:
                let used = try decoder.decode(Array(bytes[start..<available]), into: &body)
                check(used >= 0 && used <= available - start, "used \(used)")
                // bodyBytes counts each chunk in full once its size line is read; the body catches up chunk by chunk.
                check(body.count <= decoder.bodyBytes && decoder.bodyBytes <= limits.maxBodyBytes, "body \(body.count)")
                check(!decoder.isComplete || body.count == decoder.bodyBytes, "complete with \(body.count) bytes")
                bodyConsumed += used
            }
        }
    } catch {
        return .failed(error)
    }
    guard let (parsed, framing, headBytes) = head else { return .incomplete }
    switch framing {
    case .none: break
    case .contentLength(let length): if body.count < length { return .incomplete }
    case .chunked: if !decoder.isComplete { return .incomplete }
    }
    return .request(parsed, framing, body: body, consumed: headBytes + bodyConsumed)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func requestParserFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    // The first byte picks where the rest is cut; the rest is the request.
    let seed = Int(data[0])
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let whole = run(bytes, cuts: [])
    let halves = run(bytes, cuts: [bytes.isEmpty ? 0 : seed % (bytes.count + 1)])
    let tiny = run(bytes, cuts: Array(stride(from: 1, to: bytes.count, by: 1 + seed % 7)))
    check(whole == halves, "split at \(seed % (bytes.count + 1)) changed the verdict: \(whole) vs \(halves)")
    check(whole == tiny, "small reads changed the verdict: \(whole) vs \(tiny)")
    return 0
}
