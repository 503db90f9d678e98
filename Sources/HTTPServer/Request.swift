public import HTTP1
public import TraceContext

/// A complete request as handed to a responder: head, decoded body and routing results.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The request-target exactly as received (origin-form: path plus optional query).
    public var target: String
    /// The path part of the target, without the query, still percent-encoded.
    public var path: String
    /// Query parameters in order, percent-decoded ('+' is a space).
    public var query: [(name: String, value: String)]
    /// The first query parameter whose name or value decodes to a NUL (`%00`), named as in `query` (or as sent,
    /// when the NUL is in the name). The responder refuses such a request (400) before its handler runs.
    public var nulQueryParameter: String?
    public var headers: HeaderFields
    /// The body after de-chunking; empty when the request had none or it is streamed.
    public var body: [UInt8]
    /// The body as it arrives, for a route that screened it `.stream`; nil otherwise.
    public var bodyStream: RequestBodyStream?
    /// `X-Request-Id` as received (when sane) or one made by the server.
    public var id: String
    /// The request's trace and our span in it (`RequestTrace(headers:using:)`); nil only for a request made by
    /// hand rather than read by the server.
    public var trace: RequestTrace?
    /// Path parameters filled by the router, e.g. `hub_id` for `/hubs/:hub_id`.
    public var parameters: PathParameters
    /// The route template that matched, e.g. `/hubs/:hub_id`; nil before routing or when none matched.
    public var route: String?

    public init(
        method: HTTPMethod, target: String, headers: HeaderFields = [:], body: [UInt8] = [], id: String = "",
        trace: RequestTrace? = nil
    ) {
        self.method = method
        self.target = target
        // Bytes, not Characters: the parser admits only visible ASCII in a target, and a Character split costs
        // grapheme breaking on every request.
        var bytes = target
        if let offset = bytes.withUTF8({ $0.firstIndex(of: UInt8(ascii: "?")) }) {
            let mark = target.utf8.index(target.utf8.startIndex, offsetBy: offset)
            self.path = String(target[..<mark])
            (self.query, self.nulQueryParameter) = QueryString.decodeNoting(String(target[target.index(after: mark)...]))
        } else {
            self.path = target
            self.query = []
            self.nulQueryParameter = nil
        }
        self.headers = headers
        self.body = body
        self.bodyStream = nil
        self.id = id
        self.trace = trace
        self.parameters = [:]
        self.route = nil
    }

    /// The first value of a query parameter, or nil.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
}
