import TandemHTTP
import TandemJSON

/// A running node's admin API (loopback + `Authorization: Bearer <adminToken>`):
/// the one client of it, used by the operator commands, the demo, the
/// benchmarks and the tests.
public struct NodeAdmin: Sendable {
    public let baseURL: String
    public let token: String
    private let client: HTTPClient

    /// `caFile`: what to trust for an https node (its CA, or its own certificate).
    public init(baseURL: String, token: String, caFile: String? = nil) {
        self.baseURL = baseURL
        self.token = token
        client = HTTPClient(caFile: caFile)
    }

    /// Sends a request; returns the answer's status and JSON body (null when
    /// the body is not JSON), whatever the status.
    ///
    /// - Throws: `HTTPClientError` when the node cannot be reached.
    public func request(_ method: String, _ path: String, _ body: JSON? = nil) throws(HTTPClientError) -> (status: Int, json: JSON, text: String) {
        var headers = HTTPHeaders()
        headers["Authorization"] = "Bearer " + token
        if body != nil { headers["Content-Type"] = "application/json" }
        let response = try client.send(HTTPClientRequest(method: method, url: baseURL + path, headers: headers,
                                                         body: body?.serialized() ?? [], timeoutSeconds: 30))
        return (response.status, (try? JSON(parsing: response.body)) ?? .null, response.text)
    }

    /// The JSON answer of a 2xx, else nil.
    public func send(_ method: String, _ path: String, _ body: JSON? = nil) -> JSON? {
        guard let answer = try? request(method, path, body), (200..<300).contains(answer.status) else { return nil }
        return answer.json
    }

    /// Each queue's depth summed over all connections (`pending`, `outbox`, `inbox`), from one status read.
    public func depths() -> [String: Int]? {
        guard let connections = send("GET", "/admin/v1/status")?["connections"]?.arrayValue else { return nil }
        var depths: [String: Int] = [:]
        for queue in ["pending", "outbox", "inbox"] {
            depths[queue] = connections.reduce(0) { $0 + ($1[queue]?.intValue ?? 0) }
        }
        return depths
    }

    /// One queue's depth summed over all connections.
    public func depth(_ queue: String) -> Int? { depths()?[queue] }

    /// Whether nothing is pending, queued or unprocessed.
    public var isIdle: Bool { depths()?.values.allSatisfy { $0 == 0 } ?? false }
}
