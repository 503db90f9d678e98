import HTTP1
import HTTPServer

/// Which answers go out gzipped (docs/compression.md): JSON, YAML and text of at least `minimumBytes`, to a client
/// whose `Accept-Encoding` takes gzip (`AcceptEncoding`), never an answer that may carry a secret meant for a runtime
/// (BREACH: a secret and attacker-chosen input compressed together leak the secret through the answer's length).
struct ResponseCompression: Sendable {
    /// Bodies below this many bytes go out as they are (`COMPRESSION_MIN_BYTES`): a header and trailer of 18 bytes
    /// and the deflate set-up (~20 µs) buy little under 1 KiB. 0 turns answer compression off.
    var minimumBytes = 1024

    /// zlib level 1. 56 KiB of connection JSON: level 1 makes 11,975 bytes in 631 µs of CPU, level 6 10,504 bytes
    /// in 1,066 µs (zlib through Python's binding, on the shared 2-core machine): 14 % more bytes for 40 % less CPU,
    /// the resource this server runs short of first.
    static let level: Int32 = 1

    /// Larger bodies are compressed off the event loop (`OffLoopWork`): 8 KiB takes ~90 µs at level 1, about four
    /// times the hop to the global executor and back; below it the hop would cost more than it spares the loop.
    static let offLoopBytes = 8 * 1024

    enum Plan: Equatable {
        /// Not negotiable: sent as it is, without `Vary`.
        case asIs
        /// Negotiable, sent as it is: `Vary: Accept-Encoding` only.
        case identity
        case gzip
    }

    /// What to do with `response` for `request`: pure, table-tested.
    func plan(_ response: Response, for request: Request) -> Plan {
        guard minimumBytes > 0, !response.body.isEmpty else { return .asIs }
        let worthCompressing = response.body.count >= minimumBytes
        // Below the threshold only a client that refuses identity changes the answer, and refusing takes a q-value
        // (`identity;q=0`, `*;q=0`): a field without `=` (`gzip, deflate, br`, what most clients send) leaves the
        // answer as it is after one scan, not a parse.
        if !worthCompressing
            && !request.headers.values(for: "Accept-Encoding").contains(where: { $0.utf8.contains(UInt8(ascii: "=")) })
        {
            return .asIs
        }
        guard Self.mayCompress(response, path: request.path) else { return .asIs }
        let accepted = AcceptEncoding.parse(request.headers.values(for: "Accept-Encoding"))
        switch accepted.choose(worthCompressing: worthCompressing) {
        case .gzip: return .gzip
        case .identity: return worthCompressing ? .identity : .asIs
        }
    }

    /// On the event loop, for answers made there (`Router.onImmediate`): small ones, and cached bodies.
    func applyInPlace(_ response: Response, for request: Request) -> Response {
        Self.apply(plan(response, for: request), to: response)
    }

    /// In the request's task: large bodies are compressed off the loop. When that pool is saturated the answer
    /// goes out uncompressed rather than fail.
    func apply(_ response: Response, for request: Request) async -> Response {
        let plan = plan(response, for: request)
        guard plan == .gzip, response.body.count >= Self.offLoopBytes else { return Self.apply(plan, to: response) }
        let body = response.body
        guard let compressed = try? await OffLoopWork.run({ Gzip.compress(body, level: Self.level) }) else {
            return Self.apply(.identity, to: response)
        }
        return Self.gzipped(response, body: compressed)
    }

    /// A 200 of a body that never changes, compressed once (`CompressedOnce`); the answer for each request is
    /// picked, not made. The responder then leaves it as it is (it carries its `Content-Encoding` or `Vary` already).
    func cached(_ body: CompressedOnce, headers: HeaderFields) -> @Sendable (Request) -> Response {
        let response = Response(status: .ok, headers: headers, body: body.body)
        let identity = Self.apply(.identity, to: response)
        return { [self] request in
            switch plan(response, for: request) {
            case .asIs: response
            case .identity: identity
            case .gzip: Self.gzipped(response, body: body.gzipped)
            }
        }
    }

    static func apply(_ plan: Plan, to response: Response) -> Response {
        switch plan {
        case .asIs: return response
        case .identity:
            var response = response
            addVary(to: &response.headers)
            return response
        case .gzip: return gzipped(response, body: Gzip.compress(response.body, level: level))
        }
    }

    private static func gzipped(_ response: Response, body: [UInt8]) -> Response {
        var response = response
        response.body = body
        response.headers.replaceOrAdd(name: "Content-Encoding", value: "gzip")
        addVary(to: &response.headers)
        return response
    }

    private static func addVary(to headers: inout HeaderFields) {
        let present = headers.values(for: "Vary").flatMap { $0.split(separator: ",").map { $0.trimmingOWS() } }
        guard !present.contains(where: { $0 == "*" || $0.equalsIgnoringASCIICase("Accept-Encoding") }) else { return }
        headers.add(name: "Vary", value: "Accept-Encoding")
    }

    /// Whether the answer may be compressed at all, whatever the client accepts.
    static func mayCompress(_ response: Response, path: String) -> Bool {
        // Already encoded (a provider's answer passed through by the proxy): never touched.
        if response.headers.contains("Content-Encoding") { return false }
        if let cacheControl = response.headers["Cache-Control"], Self.saysNoStore(cacheControl) { return false }
        if Self.carriesRuntimeSecrets(path: path) { return false }
        guard let contentType = response.headers["Content-Type"] else { return false }
        return isCompressible(contentType: contentType)
    }

    /// `no-store` marks answers that carry secrets (the contract puts it on every `/access` answer).
    static func saysNoStore(_ cacheControl: String) -> Bool {
        cacheControl.split(separator: ",").contains { $0.trimmingOWS().equalsIgnoringASCIICase("no-store") }
    }

    /// `/hubs/{hub_id}/users/{user_id}/connections/{connection_id}/access` answers a connection's secrets, and
    /// `…/proxy/…` a provider's answer to a request authenticated with them; both also reflect what the caller sent
    /// (path, query, body). Matched by shape, so routes yet to come are covered from their first day.
    static func carriesRuntimeSecrets(path: String) -> Bool {
        // By byte: this runs for every answer large enough, and `Character` splitting cost ~20k instructions.
        let segments = path.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 8, omittingEmptySubsequences: false)
        func segment(_ index: Int, is name: String) -> Bool { segments[index].elementsEqual(name.utf8) }
        guard segments.count >= 8, segments[0].isEmpty, segment(1, is: "hubs"), segment(3, is: "users"),
              segment(5, is: "connections") else { return false }
        return segment(7, is: "proxy") || segment(7, is: "access")
    }

    /// JSON (`application/json`, `application/*+json`), YAML, and text. Images and other binary types are already
    /// compressed or gain nothing.
    static func isCompressible(contentType: String) -> Bool {
        if contentType == "application/json" { return true }  // every answer of the API's own
        let end = contentType.utf8.firstIndex(of: UInt8(ascii: ";")) ?? contentType.endIndex
        let mediaType = contentType[..<end].trimmingOWS().utf8
        // By byte, ignoring ASCII case: media types are tokens, and this runs for every answer large enough.
        func same(_ bytes: some Sequence<UInt8>, _ text: String) -> Bool {
            bytes.elementsEqual(text.utf8) { ASCII.lower($0) == ASCII.lower($1) }
        }
        if same(mediaType.prefix(5), "text/") { return true }
        if compressibleTypes.contains(where: { same(mediaType, $0) }) { return true }
        return same(mediaType.prefix(12), "application/") && same(mediaType.suffix(5), "+json")
    }

    private static let compressibleTypes = ["application/json", "application/yaml", "application/x-yaml", "application/xml"]
}
