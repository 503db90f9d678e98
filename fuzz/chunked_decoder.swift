// libFuzzer target: the chunked body decoder alone, compiled into module HTTP1 by fuzz/build.sh.
// Oracles: byte-at-a-time and whole-buffer decoding agree (body, bytes used, completion, error); the decoder
// never uses more bytes than it is given, stops right after the final CRLF, and never exceeds the body limit.

private let limits: ParserLimits = {
    var limits = ParserLimits()
    limits.maxHeaderBytes = 256
    limits.maxHeaderCount = 4
    limits.maxBodyBytes = 2048
    return limits
}()

private struct Run: Equatable {
    var body: [UInt8] = []
    var used = 0
    var complete = false
    var error: HTTPParseError?
}

private func decode(_ bytes: [UInt8], step: Int) -> Run {
    var decoder = ChunkedDecoder(limits: limits)
    var run = Run()
    var offset = 0
    do {
        while offset < bytes.count, !decoder.isComplete {
            let piece = Array(bytes[offset..<min(bytes.count, offset + step)])
            let used = try decoder.decode(piece, into: &run.body)
            check(used >= 0 && used <= piece.count, "used \(used) of \(piece.count)")
            check(used == piece.count || decoder.isComplete, "stopped early without completing")
            offset += used
        }
    } catch {
        run.error = error
    }
    check(run.body.count <= limits.maxBodyBytes, "body \(run.body.count) beyond the limit")
    // bodyBytes counts each chunk in full once its size line is read; at the end both agree.
    check(run.body.count <= decoder.bodyBytes, "body \(run.body.count) beyond bodyBytes \(decoder.bodyBytes)")
    check(!decoder.isComplete || run.body.count == decoder.bodyBytes, "complete with \(run.body.count) of \(decoder.bodyBytes)")
    run.used = run.error == nil ? offset : -1  // on error, how much earlier pieces used depends on the cut
    run.complete = decoder.isComplete
    return run
}

@_cdecl("LLVMFuzzerTestOneInput")
public func chunkedDecoderFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = decode(bytes, step: max(1, bytes.count))
    let single = decode(bytes, step: 1)
    let odd = decode(bytes, step: 3)
    check(whole == single && whole == odd, "read size changed the result: \(whole) / \(single) / \(odd)")
    if whole.complete {
        // The terminating CRLF is the last thing consumed.
        check(whole.used >= 5 && bytes[whole.used - 2] == 13 && bytes[whole.used - 1] == 10, "completed without a final CRLF")
    }
    return 0
}
