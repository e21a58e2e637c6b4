import Foundation
@testable import NodeHost
import TandemJSON
import TestSupport

/// Two nodes in this process, each beside its own C file-store "tracker",
/// talking over real HTTP on loopback with real SQLite stores: the pipeline
/// without any tracker simulator.
final class FileStoreNodes {
    let folder = TemporaryDirectory("engine")
    let secret = "engine-test-secret-0123456789"
    let adminToken = "engine-admin-token-0123456789"
    var blue: Node!
    var green: Node!
    var bluePort = 0
    var greenPort = 0
    let plugins: String

    init(outgoing: String = "replica.summary = issue.summary\nreplica.priority = issue.priority\n",
         incoming: String = "issue.summary = replica.summary\nissue.priority = replica.priority\n") throws {
        plugins = folder.file("plugins")
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        try CCompiler.filestoreExample(output: plugins + "/libfilestore.so")
        try outgoing.write(toFile: folder.file("out.sync"), atomically: true, encoding: .utf8)
        try incoming.write(toFile: folder.file("in.sync"), atomically: true, encoding: .utf8)
        bluePort = freePort()
        greenPort = freePort()
    }

    func config(_ name: String, port: Int, peerPort: Int) throws -> NodeConfig {
        try NodeConfig.parse([
            "node": ["name": .string(name), "listen": .string("127.0.0.1:\(port)"), "dataDir": .string("data-\(name)"),
                     "adminToken": .string(adminToken)],
            "pluginsDir": .string(plugins),
            "instances": ["files": ["plugin": "c-filestore", "config": ["dir": .string(folder.file("store-\(name)"))]]],
            "connections": ["files": [
                "instance": "files", "peer": ["url": .string("http://127.0.0.1:\(peerPort)"), "secret": .string(secret)],
                "trigger": ["query": "", "pollSeconds": 0.1], "outgoing": "out.sync", "incoming": "in.sync",
            ]],
        ], baseDirectory: folder.path, environment: [:])
    }

    func start() throws {
        blue = Node(config: try config("blue", port: bluePort, peerPort: greenPort), logger: Logger(node: "blue", minimum: .warn))
        green = Node(config: try config("green", port: greenPort, peerPort: bluePort), logger: Logger(node: "green", minimum: .warn))
        _ = try blue.start()
        _ = try green.start()
    }

    func stop() {
        blue?.stop()
        green?.stop()
    }

    /// A plugin instance on one side's store folder, as a user of that tracker.
    func tracker(_ name: String) throws -> PluginInstance {
        let plugin = try PluginLoader().load(path: plugins + "/libfilestore.so").get()
        return try PluginInstance(plugin: plugin, name: "user", configuration: ["dir": .string(folder.file("store-\(name)"))],
                                  services: HostServices(log: { _, _, _ in }, http: { _ in .failure(.unreachable("none")) },
                                                         secret: { _ in nil }, nowMs: { 0 }))
    }

    /// Every entity in one side's store, by key.
    func entities(_ name: String) throws -> [String: JSON] {
        let tracker = try tracker(name)
        let refs = try tracker.call("search", ["cursor": nil]).json["refs"]?.arrayValue ?? []
        var result: [String: JSON] = [:]
        for ref in refs {
            guard let key = ref["key"]?.stringValue else { continue }
            result[key] = try tracker.call("get", ["key": .string(key)]).json
        }
        return result
    }
}
