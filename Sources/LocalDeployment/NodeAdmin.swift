import Foundation
import TandemHTTP
import TandemJSON

/// A running node's admin API, for deployments driven by programs (the demo,
/// benchmarks, tests): status, idleness, pause and resume.
public struct NodeAdmin: Sendable {
    public let baseURL: String
    public let token: String
    private let client = HTTPClient()

    public init(baseURL: String, token: String) {
        self.baseURL = baseURL
        self.token = token
    }

    /// GET/POST an admin path; the JSON answer of a 2xx, else nil.
    public func send(_ method: String, _ path: String) -> JSON? {
        var headers = HTTPHeaders()
        headers["Authorization"] = "Bearer " + token
        guard let response = try? client.send(HTTPClientRequest(method: method, url: baseURL + path, headers: headers,
                                                                timeoutSeconds: 10)),
              (200..<300).contains(response.status) else { return nil }
        return try? JSON(parsing: response.body)
    }

    /// The sum of one queue's depth over all connections (pending, outbox, inbox).
    public func depth(_ queue: String) -> Int? {
        guard let connections = send("GET", "/admin/v1/status")?["connections"]?.arrayValue else { return nil }
        return connections.reduce(0) { $0 + ($1[queue]?.intValue ?? 0) }
    }

    /// Whether nothing is pending, queued or unprocessed.
    public var isIdle: Bool {
        ["pending", "outbox", "inbox"].allSatisfy { depth($0) == 0 }
    }
}

extension SyncDeployment {
    public var blueAdmin: NodeAdmin { NodeAdmin(baseURL: blue.url, token: adminToken) }
    public var greenAdmin: NodeAdmin { NodeAdmin(baseURL: green.url, token: adminToken) }

    /// Waits until both nodes are idle; returns whether they got there in time.
    @discardableResult
    public func waitUntilIdle(seconds: Double = 30) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if blueAdmin.isIdle && greenAdmin.isIdle { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Peak resident memory of a process in bytes (VmHWM), or nil.
    public static func peakRSS(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first
        return kilobytes.map { $0 * 1024 }
    }
}
