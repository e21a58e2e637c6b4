import Foundation
import NodeHost
import TandemCLI
import TandemJSON

/// `tandem entity get KEY`: the entity as the connector returns it.
struct EntityGetCommand: Command {
    static let path = ["entity", "get"]
    static let summary = "print an entity as the connector returns it (input for `tandem script test`)"
    static let help = """
        Usage: tandem entity get KEY --config FILE [--connection NAME]

        Reads KEY from the tracker through the connector of the connection's
        instance, with the configuration's credentials (no running node
        needed), and prints the entity JSON the node's scripts see, e.g.

          tandem entity get SUP-12 --config blue.json > sup-12.json
          tandem script test --script jira-outgoing.sync --entity sup-12.json

        --connection is needed when the configuration has several connections.
        Exit status: 0 printed; 1 the tracker could not be read or has no KEY;
        2 usage error; 3 the configuration cannot be used.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        guard let path = try arguments.option("--config") ?? ProcessInfo.processInfo.environment["TANDEM_CONFIG"] else {
            throw CommandError.usage("missing --config FILE (or set TANDEM_CONFIG)")
        }
        let connectionName = try arguments.option("--connection")
        let key = try arguments.requiredPositional("entity KEY")
        try arguments.finish()
        let config: NodeConfig
        do { config = try NodeConfig.load(path: path) } catch {
            throw CommandError("configuration \(path): \(error); `tandem config check --config \(path)` lists every problem",
                               exitCode: .configError)
        }
        let names = config.connections.keys.sorted()
        guard let name = connectionName ?? (names.count == 1 ? names[0] : nil) else {
            throw CommandError.usage("the configuration has several connections (\(names.joined(separator: ", "))): pick one with --connection")
        }
        guard let connection = config.connections[name] else {
            throw CommandError.usage("no connection '\(name)' in \(path); known: \(names.joined(separator: ", "))")
        }
        var only = config
        only.connections = [name: connection]
        let (instances, problems) = ConfigCheck(path: path).instances(of: only)
        guard let instance = instances[connection.instance] else {
            throw CommandError(problems.map(\.message).joined(separator: "\n"), exitCode: .configError)
        }
        do {
            print(try instance.call("get", ["key": .string(key)]).json.text)
        } catch where error.kind == .notFound {
            throw CommandError("\(key) does not exist in the tracker of connection '\(name)'")
        } catch {
            throw CommandError("cannot read \(key) from the tracker of connection '\(name)': \(error)")
        }
        return .success
    }
}
