public import HTTP1

public typealias Handler = @Sendable (Request) async throws -> Response
/// A handler that needs no I/O and cannot fail (health, metrics): the event loop runs it in place, with no task.
public typealias ImmediateHandler = @Sendable (Request) -> Response

/// Method + path template routing. Templates are literal segments and `:name` parameters:
/// `/hubs/:hub_id/users/:user_id/connections`. Literal segments win over parameters.
public struct Router: Sendable {
    public enum Match: Sendable {
        case found(Handler, parameters: PathParameters, template: String)
        case methodNotAllowed(allowed: [HTTPMethod])
        case notFound
    }

    private struct Route: Sendable {
        let method: HTTPMethod
        let template: String
        let segments: [Segment]
        let parameterCount: Int
        let handler: Handler
    }

    /// A template segment: bytes a path segment must equal, or a parameter's name.
    private enum Segment: Sendable {
        case literal([UInt8])
        case parameter(String)
    }

    /// A literal template whose handler runs on the event loop (`onImmediate(_:_:_:)`).
    private struct ImmediateRoute: Sendable {
        let method: HTTPMethod
        let template: String
        let handler: ImmediateHandler
    }

    private var routes: [Route] = []
    /// Few (health, metrics, the API document), so a scan comparing the path finds them cheaper than a hash.
    private var immediateRoutes: [ImmediateRoute] = []
    /// Positions in `routes` of the templates without parameters, by template: such paths (`/healthz`) are
    /// found by one lookup instead of a split and a scan.
    private var literalRoutes: [String: [Int]] = [:]
    /// Positions in `routes` (in `routes` order) by segment count: a path is compared only with templates as long.
    private var routesBySegmentCount: [Int: [Int]] = [:]

    public init() {}

    public mutating func on(_ method: HTTPMethod, _ template: String, _ handler: @escaping Handler) {
        let segments: [Segment] = template.split(separator: "/", omittingEmptySubsequences: true).map {
            $0.first == ":" ? .parameter(String($0.dropFirst())) : .literal(Array($0.utf8))
        }
        let parameterCount = segments.count { if case .parameter = $0 { true } else { false } }
        routes.append(Route(
            method: method, template: template, segments: segments, parameterCount: parameterCount, handler: handler))
        // Literal segments first so that `/hubs/defaults` beats `/hubs/:hub_id`.
        routes.sort { Self.specificity($0.segments) > Self.specificity($1.segments) }
        literalRoutes = [:]
        routesBySegmentCount = [:]
        for (position, route) in routes.enumerated() {
            routesBySegmentCount[route.segments.count, default: []].append(position)
            if route.parameterCount == 0 { literalRoutes[route.template, default: []].append(position) }
        }
    }

    /// Registers a handler that answers without suspending, for a template without parameters. It is also an
    /// ordinary route, so `match` (and with it `Allow`, 405 and the route table) sees it like any other.
    public mutating func onImmediate(_ method: HTTPMethod, _ template: String, _ handler: @escaping ImmediateHandler) {
        precondition(!template.utf8.contains(UInt8(ascii: ":")), "an immediate route has no parameters: \(template)")
        immediateRoutes.append(ImmediateRoute(method: method, template: template, handler: handler))
        on(method, template) { handler($0) }
    }

    /// The immediate handler for this method and path, if one was registered (HEAD finds GET's).
    public func immediateRoute(method: HTTPMethod, path: String) -> (handler: ImmediateHandler, template: String)? {
        for route in immediateRoutes where route.template == path {
            if route.method == method || (method == .HEAD && route.method == .GET) { return (route.handler, route.template) }
        }
        return nil
    }

    /// Every (method, template) pair, for the spec-coverage test and `Allow` headers.
    public var table: [(method: HTTPMethod, template: String)] { routes.map { ($0.method, $0.template) } }

    public func match(method: HTTPMethod, path: String) -> Match {
        // An all-literal template outranks every template with parameters, so its match is the scan's answer.
        for position in literalRoutes[path] ?? [] {
            let route = routes[position]
            if route.method == method || (method == .HEAD && route.method == .GET) {
                return .found(route.handler, parameters: [:], template: route.template)
            }
        }
        var path = path
        return path.withUTF8 { bytes in match(method: method, segments: Self.segmentRanges(bytes), of: bytes) }
    }

    private func match(method: HTTPMethod, segments: [Range<Int>], of path: UnsafeBufferPointer<UInt8>) -> Match {
        var allowed: [HTTPMethod] = []
        for position in routesBySegmentCount[segments.count] ?? [] {
            let route = routes[position]
            guard let parameters = Self.bind(route, to: segments, of: path) else { continue }
            if route.method == method || (method == .HEAD && route.method == .GET) {
                return .found(route.handler, parameters: parameters, template: route.template)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        // A GET route answers HEAD too (above), so HEAD is allowed wherever GET is.
        if allowed.contains(.GET) && !allowed.contains(.HEAD) { allowed.append(.HEAD) }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// Where the path's non-empty segments lie between its `/`s.
    private static func segmentRanges(_ path: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(8)
        var start = 0
        for (offset, byte) in path.enumerated() where byte == UInt8(ascii: "/") {
            if offset > start { ranges.append(start..<offset) }
            start = offset + 1
        }
        if start < path.count { ranges.append(start..<path.count) }
        return ranges
    }

    /// The route's parameters in `path`, or nil when a literal segment differs. Literals are compared
    /// first, so the templates that do not match (most of them) cost no allocation.
    private static func bind(_ route: Route, to segments: [Range<Int>], of path: UnsafeBufferPointer<UInt8>) -> PathParameters? {
        for (pattern, range) in zip(route.segments, segments) {
            if case .literal(let literal) = pattern, !literal.elementsEqual(path[range]) { return nil }
        }
        var parameters = PathParameters(capacity: route.parameterCount)
        for (pattern, range) in zip(route.segments, segments) {
            if case .parameter(let name) = pattern {
                parameters[name] = QueryString.percentDecode(UnsafeBufferPointer(rebasing: path[range]), plusIsSpace: false)
            }
        }
        return parameters
    }

    private static func specificity(_ segments: [Segment]) -> Int {
        segments.reduce(0) { if case .literal = $1 { $0 * 2 + 1 } else { $0 * 2 } }
    }
}
