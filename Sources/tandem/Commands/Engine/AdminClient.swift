import Foundation
import NodeHost
import TandemCLI
import TandemHTTP
import TandemJSON

/// Talks to a running node's admin API, found through its configuration
/// file (listen address and adminToken), as the operator commands do.
struct AdminClient {
    let baseURL: String
    let token: String

    /// Reads `--config FILE` (default: $TANDEM_CONFIG) from the arguments.
    static func from(_ arguments: inout Arguments) throws -> AdminClient {
        guard let path = try arguments.option("--config") ?? ProcessInfo.processInfo.environment["TANDEM_CONFIG"] else {
            throw CommandError.usage("missing --config FILE (the running node's configuration), or set TANDEM_CONFIG")
        }
        let config: NodeConfig
        do { config = try NodeConfig.load(path: path) } catch {
            throw CommandError("configuration \(path): \(error)", exitCode: .validationFailure)
        }
        let host = config.node.host == "0.0.0.0" ? "127.0.0.1" : config.node.host
        return AdminClient(baseURL: "http://\(host):\(config.node.port)", token: config.node.adminToken)
    }

    /// Sends a request; returns the JSON body of a 2xx answer.
    ///
    /// - Throws: `CommandError` with the node's reason, or with what to check
    ///   when the node cannot be reached.
    func send(_ method: String, _ path: String, _ body: JSON? = nil) throws -> JSON {
        var headers = HTTPHeaders()
        headers["Authorization"] = "Bearer " + token
        if body != nil { headers["Content-Type"] = "application/json" }
        let response: HTTPClientResponse
        do {
            response = try HTTPClient().send(HTTPClientRequest(method: method, url: baseURL + path, headers: headers,
                                                               body: body?.serialized() ?? [], timeoutSeconds: 30))
        } catch {
            throw CommandError("cannot reach the node at \(baseURL) (\(error)); is `tandem run` running with this configuration?")
        }
        let json = (try? JSON(parsing: response.body)) ?? .null
        guard (200..<300).contains(response.status) else {
            throw CommandError("the node answered HTTP \(response.status): \(json["reason"]?.stringValue ?? String(decoding: response.body, as: UTF8.self))")
        }
        return json
    }
}
