import Synchronization
import TandemHTTP
#if canImport(Glibc)
import Glibc
#endif
import TandemTime

/// Performs the HTTP requests of one plugin instance (host.h `http`).
///
/// The node, not the plugin, decides what a connector may reach: a relative
/// path is resolved against the instance's `baseUrl`, and an absolute URL
/// outside it is refused. Requests get the instance's default timeout and are
/// paced to at most `maxRequestsPerSecond` (a token bucket, blocking the
/// calling worker thread), so one connection cannot flood its tracker.
///
/// Thread: any node worker; the client and the counters are thread-safe.
public final class TrackerHTTPService: Sendable {
    public let baseUrl: String
    private let client: HTTPClient
    private let defaultTimeoutMs: UInt32
    private let pacer: Pacer?
    private let statusCounts = Mutex<[Int: Int]>([:])

    public init(baseUrl: String, client: HTTPClient, defaultTimeoutMs: UInt32 = 30_000, maxRequestsPerSecond: Double? = nil) {
        self.baseUrl = baseUrl.hasSuffix("/") ? String(baseUrl.dropLast()) : baseUrl
        self.client = client
        self.defaultTimeoutMs = defaultTimeoutMs
        self.pacer = maxRequestsPerSecond.map(Pacer.init)
    }

    /// Requests made so far, by HTTP status (0: no response).
    public var requestsByStatus: [Int: Int] { statusCounts.withLock { $0 } }

    /// Requests made so far.
    public var requestCount: Int { requestsByStatus.values.reduce(0, +) }

    /// Performs `request` and blocks until the answer or a failure.
    public func perform(_ request: HostHTTPRequest) -> Result<HostHTTPResponse, HostHTTPError> {
        let url: String
        switch resolve(request.url) {
        case .success(let resolved): url = resolved
        case .failure(let error): return .failure(error)
        }
        pacer?.waitForTurn()
        var headers = HTTPHeaders()
        for (name, value) in request.headers { headers[name] = value }
        let timeout = Double(request.timeoutMs == 0 ? defaultTimeoutMs : request.timeoutMs) / 1000
        do throws(HTTPClientError) {
            let response = try client.send(HTTPClientRequest(method: request.method, url: url, headers: headers,
                                                             body: request.body, timeoutSeconds: timeout))
            count(response.status)
            var answerHeaders: [String: String] = [:]
            for (name, value) in response.headers {
                let key = name.lowercased()
                answerHeaders[key] = answerHeaders[key].map { $0 + ", " + value } ?? value
            }
            return .success(HostHTTPResponse(status: response.status, headers: answerHeaders, body: response.body))
        } catch {
            count(0)
            return .failure(.unreachable("\(request.method) \(url): \(error)"))
        }
    }

    /// The absolute URL for `url`, if this instance may reach it.
    func resolve(_ url: String) -> Result<String, HostHTTPError> {
        let absolute = url.hasPrefix("/") ? baseUrl + url : url
        let allowed = absolute == baseUrl || absolute.hasPrefix(baseUrl + "/") || absolute.hasPrefix(baseUrl + "?")
        guard allowed, !absolute.containsBytes("/../"), !absolute.hasSuffix("/..") else {
            return .failure(.notAllowed("\(url) is outside this connection's base URL \(baseUrl)"))
        }
        return .success(absolute)
    }

    private func count(_ status: Int) {
        statusCounts.withLock { $0[status, default: 0] += 1 }
    }
}

/// A token bucket of one second's worth of requests.
final class Pacer: Sendable {
    private let ratePerSecond: Double
    private let state: Mutex<(tokens: Double, last: Double)>

    init(_ ratePerSecond: Double) {
        self.ratePerSecond = max(ratePerSecond, 0.001)
        state = Mutex((tokens: max(1, ratePerSecond), last: Timestamp.monotonicSeconds()))
    }

    /// Blocks until a request may go.
    func waitForTurn() {
        while true {
            let wait: Double = state.withLock { state in
                let now = Timestamp.monotonicSeconds()
                state.tokens = min(max(1, ratePerSecond), state.tokens + (now - state.last) * ratePerSecond)
                state.last = now
                if state.tokens >= 1 {
                    state.tokens -= 1
                    return 0
                }
                return (1 - state.tokens) / ratePerSecond
            }
            if wait == 0 { return }
            usleep(UInt32(min(wait, 1) * 1_000_000))
        }
    }
}

