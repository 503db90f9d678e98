import Glibc
public import HTTP1

public typealias Handler = @Sendable (Request) async throws -> Response
/// A handler that needs no I/O and cannot fail (health, metrics): the event loop runs it in place, with no task.
public typealias ImmediateHandler = @Sendable (Request) -> Response

/// Method + path template routing. Templates are literal segments and `:name` parameters:
/// `/hubs/:hub_id/users/:user_id/connections`. Literal segments win over parameters. A last segment `*name`
/// takes the rest of the path (one or more segments), as sent: still percent-encoded, with its inner and
/// trailing slashes; such a route is tried only when no fixed-length template matches.
public struct Router: Sendable {
    public enum Match: Sendable {
        case found(Handler, parameters: PathParameters, template: String)
        case methodNotAllowed(allowed: [HTTPMethod])
        /// The route answers, but the named path parameter decodes to a NUL (`%00`): the responder refuses it (400).
        case nulParameter(name: String, template: String)
        /// No route at all answers the method (RFC 9110 §9.1: 501), whatever the path.
        case methodNotImplemented
        case notFound
    }

    /// A class: a candidate is looked at by reference, not copied out of the table with its arrays retained.
    private final class Route: Sendable {
        let method: HTTPMethod
        let template: String
        let segmentCount: Int
        /// The literal segments, by position: a path segment there must equal the bytes.
        let literals: [(position: Int, bytes: [UInt8])]
        /// The parameters, by position, in template order.
        let parameters: [(position: Int, name: String)]
        /// The `*name` of a template that takes the rest of the path; its segment is the last of `segmentCount`.
        let rest: String?
        let handler: Handler
        /// The same handler, to run in place on the event loop (`onImmediate`); nil for an ordinary route.
        let immediate: ImmediateHandler?
        /// Literal segments as ones, parameters as zeros, read as a binary number from the first segment: the
        /// routes are sorted by it, most specific first.
        let specificity: Int

        init(method: HTTPMethod, template: String, segmentCount: Int, literals: [(position: Int, bytes: [UInt8])],
             parameters: [(position: Int, name: String)], rest: String? = nil, handler: @escaping Handler,
             immediate: ImmediateHandler?) {
            self.method = method
            self.rest = rest
            self.template = template
            self.segmentCount = segmentCount
            self.literals = literals
            self.parameters = parameters
            self.handler = handler
            self.immediate = immediate
            let literalPositions = Set(literals.map(\.position))
            specificity = (0..<segmentCount).reduce(0) { literalPositions.contains($1) ? $0 * 2 + 1 : $0 * 2 }
        }

        func answers(_ method: HTTPMethod) -> Bool { self.method == method || (method == .HEAD && self.method == .GET) }

        static func serverOptions(allowing methods: [HTTPMethod]) -> Route {
            let response = Response(status: .ok, headers: ["Allow": methods.map(\.rawValue).joined(separator: ", ")])
            let handler: ImmediateHandler = { _ in response }
            return Route(method: .OPTIONS, template: Router.serverOptionsTemplate, segmentCount: 0, literals: [],
                         parameters: [], handler: { handler($0) }, immediate: handler)
        }
    }

    /// The route label of `OPTIONS *`.
    public static let serverOptionsTemplate = "*"

    private var routes: [Route] = []
    /// Positions in `routes` of the templates without parameters, indexed by the template's length in bytes:
    /// such paths (`/healthz`) are found without a split, and other paths rarely share a length with one.
    private var literalRoutesByLength: [[Int]] = []
    /// Positions in `routes` (in `routes` order), indexed by segment count: a path is compared only with templates
    /// as long.
    private var routesBySegmentCount: [[Int]] = []
    /// Positions in `routes` of the templates ending in `*name`, compared with paths at least as long.
    private var restRoutes: [Int] = []
    /// The methods some route answers (HEAD wherever GET is), and OPTIONS, for `OPTIONS *`; in name order.
    public private(set) var implementedMethods: [HTTPMethod] = [.OPTIONS]
    /// `OPTIONS *` (RFC 9110 §9.3.7), about the server rather than a resource: 200 with `Allow` listing
    /// `implementedMethods`, and no body. Not in `table`: it is no route of the API.
    private var serverOptions = Route.serverOptions(allowing: [.OPTIONS])

    public init() {}

    public mutating func on(_ method: HTTPMethod, _ template: String, _ handler: @escaping Handler) {
        add(method, template, handler, immediate: nil)
    }

    /// Registers a handler that answers without suspending, for a template without parameters. It is also an
    /// ordinary route, so `match` (and with it `Allow`, 405 and the route table) sees it like any other.
    public mutating func onImmediate(_ method: HTTPMethod, _ template: String, _ handler: @escaping ImmediateHandler) {
        precondition(!template.utf8.contains(UInt8(ascii: ":")), "an immediate route has no parameters: \(template)")
        add(method, template, { handler($0) }, immediate: handler)
    }

    private mutating func add(_ method: HTTPMethod, _ template: String, _ handler: @escaping Handler, immediate: ImmediateHandler?) {
        let segments = template.split(separator: "/", omittingEmptySubsequences: true)
        var literals: [(position: Int, bytes: [UInt8])] = []
        var parameters: [(position: Int, name: String)] = []
        var rest: String?
        for (position, segment) in segments.enumerated() {
            if segment.first == "*" {
                precondition(position == segments.count - 1, "*name must be a template's last segment: \(template)")
                rest = String(segment.dropFirst())
            } else if segment.first == ":" {
                parameters.append((position, String(segment.dropFirst())))
            } else {
                literals.append((position, Array(segment.utf8)))
            }
        }
        routes.append(Route(
            method: method, template: template, segmentCount: segments.count, literals: literals,
            parameters: parameters, rest: rest, handler: handler, immediate: immediate))
        // Literal segments first so that `/hubs/defaults` beats `/hubs/:hub_id`.
        routes.sort { $0.specificity > $1.specificity }
        literalRoutesByLength = Array(repeating: [], count: (routes.map(\.template.utf8.count).max() ?? 0) + 1)
        routesBySegmentCount = Array(repeating: [], count: (routes.map(\.segmentCount).max() ?? 0) + 1)
        restRoutes = []
        for (position, route) in routes.enumerated() {
            if route.rest != nil {
                restRoutes.append(position)
                continue
            }
            routesBySegmentCount[route.segmentCount].append(position)
            if route.parameters.isEmpty { literalRoutesByLength[route.template.utf8.count].append(position) }
        }
        var methods = Set(routes.map(\.method)).union([.OPTIONS])
        if methods.contains(.GET) { methods.insert(.HEAD) }
        implementedMethods = methods.sorted { $0.rawValue < $1.rawValue }
        serverOptions = Route.serverOptions(allowing: implementedMethods)
    }

    /// A matched immediate route (`onImmediate`).
    public struct ImmediateRoute: Sendable {
        public let template: String
        let handler: ImmediateHandler

        /// The handler's response, with `request.route` set as for any route.
        public func respond(to request: Request) -> RoutedResponse {
            var routed = request
            routed.route = template
            return RoutedResponse(handler(routed), route: template)
        }
    }

    /// The immediate route for this request's method and path, if one was registered (HEAD finds GET's); nil
    /// sends the request to `match` in a task.
    public func immediateRoute(for request: Request) -> ImmediateRoute? {
        guard let route = literalRoute(method: request.method, path: request.path)
                ?? serverOptionsRoute(method: request.method, path: request.path),
              let immediate = route.immediate
        else { return nil }
        return ImmediateRoute(template: route.template, handler: immediate)
    }

    /// Every (method, template) pair, for the spec-coverage test and `Allow` headers.
    public var table: [(method: HTTPMethod, template: String)] { routes.map { ($0.method, $0.template) } }

    /// `decodingParameters: false` leaves `parameters` empty, for decisions that need only the template (a
    /// request's head, before its body), saving their allocations.
    public func match(method: HTTPMethod, path: String, decodingParameters: Bool = true) -> Match {
        // An all-literal template outranks every template with parameters, so its match is the scan's answer.
        if let route = literalRoute(method: method, path: path) {
            return .found(route.handler, parameters: [:], template: route.template)
        }
        var bytes = path
        let scanned = bytes.withUTF8 { bytes in
            match(method: method, segments: Self.segmentRanges(bytes), of: bytes, decodingParameters: decodingParameters)
        }
        if case .found = scanned { return scanned }
        // Looked at only once no route matched, so a matched request pays for neither check.
        if let route = serverOptionsRoute(method: method, path: path) {
            return .found(route.handler, parameters: [:], template: route.template)
        }
        return implementedMethods.contains(method) ? scanned : .methodNotImplemented
    }

    private func serverOptionsRoute(method: HTTPMethod, path: String) -> Route? {
        path.utf8.count == 1 && method == .OPTIONS && path == Self.serverOptionsTemplate ? serverOptions : nil
    }

    /// The template without parameters that is exactly `path` and answers `method`.
    private func literalRoute(method: HTTPMethod, path: String) -> Route? {
        let length = path.utf8.count
        guard length < literalRoutesByLength.count else { return nil }
        for position in literalRoutesByLength[length] where routes[position].template == path && routes[position].answers(method) {
            return routes[position]
        }
        return nil
    }

    private func match(
        method: HTTPMethod, segments: [Range<Int>], of path: UnsafeBufferPointer<UInt8>, decodingParameters: Bool
    ) -> Match {
        var allowed: [HTTPMethod] = []
        let fixed = segments.count < routesBySegmentCount.count ? routesBySegmentCount[segments.count] : []
        var candidates = fixed
        var restTried = false
        var index = 0
        while true {
            if index == candidates.count {
                // Only once no fixed-length template answered: those are the more specific.
                guard !restTried, allowed.isEmpty, !restRoutes.isEmpty else { break }
                restTried = true
                candidates = restRoutes.filter { routes[$0].segmentCount <= segments.count }
                index = 0
                continue
            }
            let route = routes[candidates[index]]
            index += 1
            guard Self.literalsMatch(route, segments, path) else { continue }
            // Parameters are decoded only for the route that answers: a template usually has several methods.
            if route.answers(method) {
                guard decodingParameters else { return .found(route.handler, parameters: [:], template: route.template) }
                var (parameters, nulParameter) = Self.parameters(of: route, segments, path)
                if let nulParameter { return .nulParameter(name: nulParameter, template: route.template) }
                if let rest = route.rest {
                    let start = segments[route.segmentCount - 1].lowerBound
                    parameters[rest] = String(decoding: UnsafeBufferPointer(rebasing: path[start...]), as: UTF8.self)
                }
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

    /// Whether every literal segment of the route equals the path's segment there: compared before any
    /// parameter is decoded, so the templates that do not match (most of them) cost no allocation.
    private static func literalsMatch(_ route: Route, _ segments: [Range<Int>], _ path: UnsafeBufferPointer<UInt8>) -> Bool {
        for literal in route.literals {
            let range = segments[literal.position]
            guard range.count == literal.bytes.count else { return false }
            let equal = literal.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, path.baseAddress! + range.lowerBound, range.count) == 0 }
            if !equal { return false }
        }
        return true
    }

    /// The route's parameters, percent-decoded, from a path whose literals matched, and the first that decodes to
    /// a NUL: libpq would end the value there, so `/users/alice%00x` would read as `alice`.
    private static func parameters(of route: Route, _ segments: [Range<Int>], _ path: UnsafeBufferPointer<UInt8>)
        -> (PathParameters, nulParameter: String?) {
        var parameters = PathParameters(capacity: route.parameters.count)
        var nulParameter: String?
        for parameter in route.parameters {
            let range = segments[parameter.position]
            var sawNUL = false
            parameters[parameter.name] = QueryString.percentDecode(
                UnsafeBufferPointer(rebasing: path[range]), plusIsSpace: false, sawNUL: &sawNUL)
            if sawNUL, nulParameter == nil { nulParameter = parameter.name }
        }
        return (parameters, nulParameter)
    }
}
