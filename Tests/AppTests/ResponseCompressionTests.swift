@testable import App
import HTTP1
import HTTPServer
import Testing

/// Which answers are compressed (docs/compression.md), decided without a server: types, sizes, the threshold,
/// answers already encoded, and the answers that may carry a runtime's secrets (BREACH).
@Suite struct ResponseCompressionTests {
    static let compression = ResponseCompression(minimumBytes: 1024)
    static let large = [UInt8](repeating: UInt8(ascii: "a"), count: 1024)
    static let small = [UInt8](repeating: UInt8(ascii: "a"), count: 1023)

    static func request(_ path: String = "/o/org/hubs", accept: String? = "gzip", method: HTTPMethod = .GET) -> Request {
        Request(method: method, target: path, headers: accept.map { ["Accept-Encoding": $0] } ?? [:])
    }

    static func response(_ body: [UInt8] = large, type: String? = "application/json", extra: HeaderFields = [:]) -> Response {
        var headers = extra
        if let type { headers.add(name: "Content-Type", value: type) }
        return Response(status: .ok, headers: headers, body: body)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String, response: Response, request: Request, plan: ResponseCompression.Plan
        init(_ name: String, _ response: Response, _ request: Request, _ plan: ResponseCompression.Plan) {
            (self.name, self.response, self.request, self.plan) = (name, response, request, plan)
        }
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case("JSON at the threshold", response(), request(), .gzip),
        Case("JSON below it", response(small), request(), .asIs),
        Case("below it, identity refused", response(small), request(accept: "gzip, identity;q=0"), .gzip),
        Case("no Accept-Encoding", response(), request(accept: nil), .identity),
        Case("gzip refused", response(), request(accept: "gzip;q=0"), .identity),
        Case("identity preferred", response(), request(accept: "gzip;q=0.5, identity"), .identity),
        Case("nothing acceptable", response(), request(accept: "identity;q=0"), .identity),
        Case("HEAD like GET", response(), request(method: .HEAD), .gzip),
        Case("problem+json", response(type: "application/problem+json"), request(), .gzip),
        Case("JSON with charset", response(type: "Application/JSON; charset=utf-8"), request(), .gzip),
        Case("YAML", response(type: "application/yaml"), request(), .gzip),
        Case("a vendor JSON type", response(type: "application/vnd.api+JSON"), request(), .gzip),
        Case("JSON-like but not JSON", response(type: "application/jsonl"), request(), .asIs),
        Case("below it, no field at all", response(small), request(accept: nil), .asIs),
        Case("plain text", response(type: "text/plain; version=0.0.4"), request(), .gzip),
        Case("an image", response(type: "image/png"), request(), .asIs),
        Case("an archive", response(type: "application/octet-stream"), request(), .asIs),
        Case("no Content-Type", response(type: nil), request(), .asIs),
        Case("empty body", response([]), request(accept: "gzip, identity;q=0"), .asIs),
        Case("already encoded (proxy pass-through)", response(extra: ["Content-Encoding": "br"]), request(), .asIs),
        Case("no-store", response(extra: ["Cache-Control": "private, No-Store"]), request(), .asIs),
        Case("no-cache is not no-store", response(extra: ["Cache-Control": "no-cache"]), request(), .gzip),
        Case("/access", response(), request("/hubs/h/users/u/connections/c/access"), .asIs),
        Case("/access with a query", response(), request("/hubs/h/users/u/connections/c/access?x=1"), .asIs),
        Case("/proxy/...", response(), request("/hubs/h/users/u/connections/c/proxy/v1/items"), .asIs),
        Case("/proxy", response(), request("/hubs/h/users/u/connections/c/proxy"), .asIs),
        Case("a connection itself", response(), request("/hubs/h/users/u/connections/c"), .gzip),
        Case("a connection named access elsewhere", response(), request("/o/org/access"), .gzip),
    ]

    @Test(arguments: cases)
    func plans(_ item: Case) {
        #expect(Self.compression.plan(item.response, for: item.request) == item.plan, "\(item.name)")
    }

    @Test func zeroTurnsCompressionOff() {
        let off = ResponseCompression(minimumBytes: 0)
        #expect(off.plan(Self.response(), for: Self.request()) == .asIs)
        #expect(off.plan(Self.response(), for: Self.request(accept: "gzip, identity;q=0")) == .asIs)
    }

    @Test func gzippedAnswersCarryTheirCodingAndVary() throws {
        let body = Array(String(repeating: #"{"name":"x"},"#, count: 200).utf8)
        let response = Self.compression.applyInPlace(Self.response(body, extra: ["Vary": "Origin"]), for: Self.request())
        #expect(response.headers["Content-Encoding"] == "gzip")
        #expect(response.headers.values(for: "Vary") == ["Origin", "Accept-Encoding"])
        #expect(try Gzip.decompress(response.body, limit: body.count) == body)
    }

    @Test func identityAnswersThatCouldHaveBeenGzippedCarryVary() {
        let response = Self.compression.applyInPlace(Self.response(), for: Self.request(accept: nil))
        #expect(response.headers["Content-Encoding"] == nil && response.body == Self.large)
        #expect(response.headers["Vary"] == "Accept-Encoding")
        // Not twice, and not beside `*`.
        #expect(Self.compression.applyInPlace(response, for: Self.request(accept: nil)).headers.values(for: "Vary").count == 1)
        let star = Self.compression.applyInPlace(Self.response(extra: ["Vary": "*"]), for: Self.request(accept: nil))
        #expect(star.headers.values(for: "Vary") == ["*"])
    }

    @Test func largeBodiesAreCompressedOffTheLoopAlike() async throws {
        let body = Array(String(repeating: #"{"name":"x"},"#, count: 2000).utf8)
        #expect(body.count >= ResponseCompression.offLoopBytes)
        let response = await Self.compression.apply(Self.response(body), for: Self.request())
        #expect(response.headers["Content-Encoding"] == "gzip")
        #expect(try Gzip.decompress(response.body, limit: body.count) == body)
    }

    @Test func aCachedBodyIsPickedPerRequest() throws {
        let answer = Self.compression.cached(CompressedOnce(Self.large), headers: Self.response(type: "application/yaml").headers)
        let gzipped = answer(Self.request())
        #expect(gzipped.headers["Content-Encoding"] == "gzip" && gzipped.headers["Vary"] == "Accept-Encoding")
        #expect(try Gzip.decompress(gzipped.body, limit: 1024) == Self.large)
        let plain = answer(Self.request(accept: "br"))
        #expect(plain.headers["Content-Encoding"] == nil && plain.body == Self.large && plain.headers["Vary"] == "Accept-Encoding")
    }
}
