import Synchronization
import TandemHTTP
import TandemJSON
#if canImport(Glibc)
import Glibc
#endif
import TandemTime

/// The HTTP front shared by both simulators: counts requests, injects faults,
/// authenticates, serves `/_sim/*`, then routes.
///
/// Order per request: `/_sim/*` (never counted, never faulted, no credentials) →
/// count → latency → rate limit (429) → fail rate (503) → credentials (401) → route.
/// The authenticated user reaches handlers in the `X-Tandem-Sim-User` header,
/// which is removed from incoming requests first so a client cannot forge it.
final class SimServer: Sendable {
    static let userHeader = "X-Tandem-Sim-User"

    let router = Router()
    let stats = SimStats()
    let faults: FaultInjector
    let credentials: SimCredentials
    let flavor: SimFlavor
    /// Bearer tokens issued by an OAuth token endpoint, accepted besides the credentials.
    let oauthTokens = SimOAuthTokens()
    private let server = Mutex<HTTPServer?>(nil)
    private let controlRouter = Router()

    init(credentials: SimCredentials, faults: FaultPolicy, flavor: SimFlavor) {
        self.credentials = credentials
        self.faults = FaultInjector(policy: faults)
        self.flavor = flavor
        router.setFallback { request, miss in
            switch miss {
            case .notFound: return flavor.error(404, "No resource at \(request.method) \(request.path)")
            case .methodNotAllowed(let allowed):
                var response = flavor.error(405, "Method \(request.method) is not allowed on \(request.path)")
                response.headers["Allow"] = allowed.joined(separator: ", ")
                return response
            }
        }
        registerControlRoutes()
    }

    /// Binds and starts serving; returns the port.
    func start(host: String, port: Int, maxBodyBytes: Int, tls: HTTPServerTLS? = nil) throws -> Int {
        var configuration = HTTPServerConfiguration()
        configuration.tls = tls
        configuration.host = host
        configuration.port = port
        configuration.maxBodyBytes = maxBodyBytes
        let http = HTTPServer(configuration: configuration) { [self] request in handle(request) }
        let bound = try http.start()
        server.withLock { $0 = http }
        return bound
    }

    func stop() {
        let http = server.withLock { server -> HTTPServer? in
            let current = server
            server = nil
            return current
        }
        http?.stop()
    }

    static func user(of request: HTTPRequest) -> String { request.headers[userHeader] ?? "anonymous" }

    func handle(_ incoming: HTTPRequest) -> HTTPResponse {
        var request = incoming
        request.headers[Self.userHeader] = nil
        if request.path.hasPrefix("/_sim/") || request.path == "/_sim" { return controlRouter.handle(request) }
        stats.record(method: request.method)
        let policy = faults.policy
        if policy.latencyMilliseconds > 0 { usleep(UInt32(policy.latencyMilliseconds) * 1000) }
        let decision = faults.decide(nowMillis: Timestamp.now(), method: request.method, path: request.path)
        switch decision {
        case .pass, .failAfterHandling: break
        case .rateLimited(let seconds):
            var response = flavor.error(429, "Rate limit exceeded")
            response.headers["Retry-After"] = String(seconds)
            for (name, value) in flavor.rateLimitHeaders(policy.rateLimitPerSecond ?? 0) { response.headers[name] = value }
            return response
        case .fail:
            return flavor.error(503, "Service Unavailable (fault injected by the simulator)")
        }
        if let user = credentials.authenticate(request.headers) ?? oauthUser(request.headers) {
            request.headers[Self.userHeader] = user
        } else if !flavor.anonymousPaths.contains(request.path) {
            return flavor.error(401, request.headers["Authorization"] == nil ? "Required to provide Auth information" : "Bad credentials")
        }
        let response = router.handle(request)
        if decision == .failAfterHandling { return flavor.error(503, "Service Unavailable (fault injected by the simulator after handling the request)") }
        return response
    }

    /// The account of an unexpired OAuth access token in `Authorization: Bearer`.
    private func oauthUser(_ headers: HTTPHeaders) -> String? {
        guard let value = headers["Authorization"], value.lowercased().hasPrefix("bearer ") else { return nil }
        return oauthTokens.user(of: String(value.dropFirst(7)).trimmingSpaces(), now: Timestamp.now())
    }

    /// `/_sim/stats` and `/_sim/faults`; the simulators add their own `/_sim/*` routes.
    private func registerControlRoutes() {
        controlRouter.add("GET", "/_sim/stats") { [stats] _ in
            let snapshot = stats.snapshot
            return .json(200, ["requests": .int(Int64(snapshot.requests)), "writes": .int(Int64(snapshot.writes)),
                               "legacySearches": .int(Int64(snapshot.legacySearches)),
                               "usernameLookups": .int(Int64(snapshot.usernameLookups))])
        }
        controlRouter.add("POST", "/_sim/stats/reset") { [stats] _ in
            stats.reset()
            return HTTPResponse(status: 204)
        }
        controlRouter.add("GET", "/_sim/faults") { [faults] _ in .json(200, faults.policy.json) }
        let update: Router.Handler = { [faults] request in
            let body = try request.jsonBody()
            do {
                let policy = try faults.policy.applying(body)
                faults.setPolicy(policy)
                return .json(200, policy.json)
            } catch {
                return .error(400, "\(error)")
            }
        }
        controlRouter.add("PUT", "/_sim/faults", update)
        controlRouter.add("POST", "/_sim/faults", update)
    }

    func addControlRoute(_ method: String, _ pattern: String, _ handler: @escaping Router.Handler) {
        controlRouter.add(method, pattern, handler)
    }
}
