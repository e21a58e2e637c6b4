import Foundation
import TandemHTTP
import TandemJSON
import TestSupport

extension SyncDeployment {
    /// GET on a node (`blue`, `green`) without credentials: /healthz, /metrics.
    func get(_ path: String, node: String) throws -> HTTPClientResponse {
        let process = node == "blue" ? blue! : green!
        return try HTTPClient().send(HTTPClientRequest(method: "GET", url: process.url + path, timeoutSeconds: 10))
    }

    /// The parsed /metrics of a node.
    func metrics(_ node: String) throws -> PrometheusText {
        try PrometheusText(try get("/metrics", node: node).text)
    }

    /// `tandem status --json` of a node: its one connection.
    func status(_ node: String) throws -> JSON {
        let result = try run(["status", "--json"], node: node)
        guard result.status == 0 else { throw CommandFailed(description: "tandem status failed: \(result.stderr)") }
        return try JSON(parsing: result.stdout)["connections"]?[0] ?? .null
    }
}

struct CommandFailed: Error, CustomStringConvertible {
    let description: String
}
