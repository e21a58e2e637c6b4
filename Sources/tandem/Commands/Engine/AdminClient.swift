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
        // Only the node section: operators need not hold the trackers' credentials.
        let node: NodeConfig.Node
        do { node = try NodeConfig.loadNode(path: path) } catch {
            throw CommandError("configuration \(path): \(error)", exitCode: .configError)
        }
        let host = node.host == "0.0.0.0" ? "127.0.0.1" : node.host
        // An HTTPS node is reached over HTTPS, trusting its own certificate.
        let scheme = node.tls == nil ? "http" : "https"
        return AdminClient(admin: NodeAdmin(baseURL: "\(scheme)://\(host):\(node.port)", token: node.adminToken,
                                            caFile: node.tls?.certificateFile))
    }

    /// The one request of a read-only command: reads `--config` and
    /// `--json`, sends `method path`. With `--json` it prints `shown` of the
    /// answer (the whole answer by default) and returns nil: the command is done.
    static func answer(_ method: String, _ path: String, _ arguments: inout Arguments,
                       shown: (JSON) -> JSON = { $0 }) throws -> JSON? {
        let client = try from(&arguments)
        let json = arguments.flag("--json")
        try arguments.finish()
        let answer = try client.send(method, path)
        guard !json else {
            print(shown(answer).text)
            return nil
        }
        return answer
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
