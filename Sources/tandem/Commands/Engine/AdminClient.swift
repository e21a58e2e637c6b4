import Foundation
import NodeHost
import TandemCLI
import TandemAdminClient
import TandemJSON

/// Talks to a running node's admin API, found through its configuration
/// file (listen address and adminToken), as the operator commands do.
struct AdminClient {
    let admin: NodeAdmin

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
        // An HTTPS node is reached over HTTPS, trusting its own certificate.
        let scheme = config.node.tls == nil ? "http" : "https"
        return AdminClient(admin: NodeAdmin(baseURL: "\(scheme)://\(host):\(config.node.port)", token: config.node.adminToken,
                                            caFile: config.node.tls?.certificateFile))
    }

    /// Sends a request; returns the JSON body of a 2xx answer.
    ///
    /// - Throws: `CommandError` with the node's reason, or with what to check
    ///   when the node cannot be reached.
    func send(_ method: String, _ path: String, _ body: JSON? = nil) throws -> JSON {
        let answer: (status: Int, json: JSON, text: String)
        do {
            answer = try admin.request(method, path, body)
        } catch {
            throw CommandError("cannot reach the node at \(admin.baseURL) (\(error)); is `tandem run` running with this configuration?")
        }
        guard (200..<300).contains(answer.status) else {
            throw CommandError("the node answered HTTP \(answer.status): \(answer.json["reason"]?.stringValue ?? answer.text)")
        }
        return answer.json
    }
}
