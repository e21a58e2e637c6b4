import Synchronization

/// Routes requests by method and path pattern, e.g. "/rest/api/2/issue/{key}/comment/{id}".
///
/// Matching works on the raw path split at '/', each segment percent-decoded
/// on its own (so "%2F" inside a key stays in that parameter); empty segments
/// are ignored, so a trailing slash does not matter. Among patterns that match,
/// the one with a literal segment at the first position where they differ
/// wins. A path that matches no pattern gets 404; a path that matches only
/// with other methods gets 405 with `Allow`. HEAD uses the GET route when no
/// HEAD route exists. Thread-safe; routes may be added while serving.
public final class Router: Sendable {
    /// Why no handler ran, for a custom fallback.
    public enum Miss: Sendable, Equatable {
        case notFound
        case methodNotAllowed(allowed: [String])
    }

    public typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse

    private struct Route: Sendable {
        let method: String
        let segments: [Segment]
        let handler: Handler
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    private let routes = Mutex<[Route]>([])
    private let fallback = Mutex<(@Sendable (HTTPRequest, Miss) -> HTTPResponse)?>(nil)

    public init() {}

    /// Registers `handler` for `method` on `pattern`; a later registration of
    /// the same method and pattern replaces the earlier one.
    public func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { piece -> Segment in
            if piece.hasPrefix("{") && piece.hasSuffix("}") && piece.count > 2 {
                return .parameter(String(piece.dropFirst().dropLast()))
            }
            return .literal(String(piece))
        }
        routes.withLock { routes in
            routes.removeAll { $0.method == method && $0.segments == segments }
            routes.append(Route(method: method, segments: segments, handler: handler))
        }
    }

    /// Replaces the default JSON 404/405 answers.
    public func setFallback(_ handler: @escaping @Sendable (HTTPRequest, Miss) -> HTTPResponse) {
        fallback.withLock { $0 = handler }
    }

    /// Runs the matching handler. A thrown `HTTPResponseError` becomes its
    /// response; any other error becomes a 500 JSON response.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let table = routes.withLock { $0 }
        let pieces = Router.rawSegments(request.target)
        var best: (route: Route, parameters: [String: String])?
        var allowed: [String] = []
        var bestGet: (route: Route, parameters: [String: String])?
        for route in table {
            guard let parameters = Router.match(route.segments, pieces) else { continue }
            if !allowed.contains(route.method) { allowed.append(route.method) }
            if route.method == request.method {
                if best == nil || Router.isMoreSpecific(route.segments, than: best!.route.segments) {
                    best = (route, parameters)
                }
            } else if route.method == "GET" && request.method == "HEAD" {
                if bestGet == nil || Router.isMoreSpecific(route.segments, than: bestGet!.route.segments) {
                    bestGet = (route, parameters)
                }
            }
        }
        guard let chosen = best ?? bestGet else {
            let miss: Miss = allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
            if let custom = fallback.withLock({ $0 }) { return custom(request, miss) }
            switch miss {
            case .notFound:
                return .error(404, "no resource at \(request.path)")
            case .methodNotAllowed(let allowed):
                var response = HTTPResponse.error(405, "\(request.method) is not allowed on \(request.path); allowed: \(allowed.joined(separator: ", "))")
                response.headers["Allow"] = allowed.joined(separator: ", ")
                return response
            }
        }
        var routed = request
        routed.pathParameters = chosen.parameters
        do {
            return try chosen.route.handler(routed)
        } catch let error as HTTPResponseError {
            return error.response
        } catch {
            return .error(500, "the handler for \(request.method) \(request.path) failed: \(error)")
        }
    }

    /// The raw path segments of a request-target (query and fragment cut off).
    private static func rawSegments(_ target: String) -> [Substring] {
        var path = target[...]
        if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<end] }
        return path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func match(_ segments: [Segment], _ pieces: [Substring]) -> [String: String]? {
        guard segments.count == pieces.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, piece) in zip(segments, pieces) {
            let decoded = URLCoding.decode(piece.utf8, plusIsSpace: false)
            switch segment {
            case .literal(let text): if text != decoded { return nil }
            case .parameter(let name): parameters[name] = decoded
            }
        }
        return parameters
    }

    private static func isMoreSpecific(_ a: [Segment], than b: [Segment]) -> Bool {
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return false
    }
}
