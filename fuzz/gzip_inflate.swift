// libFuzzer target: the gzip wrapper alone (Sources/HTTPServer/Gzip.swift, compiled into module HTTPServer with
// zlib by fuzz/build.sh). Oracles: inflating never produces more than its limit; a body that inflates to n bytes
// inflates the same under the limit n and is too large under n - 1; whatever inflates, deflates and inflates back
// to itself; the input itself, gzipped, round-trips, and every strict prefix of that gzip is truncated, never
// corrupt or a body.

private let limit = 65_536

@_cdecl("LLVMFuzzerTestOneInput")
public func gzipInflateFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch Result(catching: { () throws(GzipError) -> [UInt8] in try Gzip.decompress(bytes, limit: limit) }) {
    case .success(let body):
        check(body.count <= limit, "inflated \(body.count) bytes past the limit \(limit)")
        check((try? Gzip.decompress(bytes, limit: body.count)) == body, "the exact limit changed the body")
        if !body.isEmpty {
            check(
                Result(catching: { () throws(GzipError) in try Gzip.decompress(bytes, limit: body.count - 1) })
                    .failureValue == .tooLarge(limit: body.count - 1),
                "one byte under the body's size is not too large")
        }
        check((try? Gzip.decompress(Gzip.compress(body, level: 1), limit: limit)) == body, "inflated body does not round-trip")
    case .failure(.tooLarge(let said)):
        check(said == limit, "too large for \(said), asked \(limit)")
    case .failure:
        break
    }
    let zipped = Gzip.compress(bytes, level: 6)
    check((try? Gzip.decompress(zipped, limit: bytes.count)) == bytes, "the input does not round-trip")
    // A few cuts, not all: each costs a full inflate.
    for cut in Set([0, 1, 10, zipped.count / 2, zipped.count - 4, zipped.count - 1]) where cut >= 0 && cut < zipped.count {
        let prefix = Array(zipped.prefix(cut))
        let verdict = Result(catching: { () throws(GzipError) -> [UInt8] in try Gzip.decompress(prefix, limit: limit) })
        check(verdict.failureValue == .truncated, "a prefix of \(cut) of \(zipped.count) bytes gave \(verdict)")
    }
    return 0
}

extension Result {
    fileprivate var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
