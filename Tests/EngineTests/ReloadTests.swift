import Foundation
@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// `tandem reload` against real `tandem run` processes over the C file-store
/// connector: configuration and plugin files change while the nodes sync.
final class ReloadTests: XCTestCase {
    private let folder = TemporaryDirectory("reload")
    private let secret = "reload-test-secret-0123456789"
    private let adminToken = "reload-admin-token-0123456789"
    private var nodes: [String: BackgroundProcess] = [:]
    private var ports: [String: Int] = [:]
    private var plugins: String { folder.file("plugins") }

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        try CCompiler.filestoreExample(output: folder.file("build-libfilestore.so"))
        try install(folder.file("build-libfilestore.so"), as: "libfilestore.so")
        try "replica.summary = issue.summary\n".write(toFile: folder.file("out.sync"), atomically: true, encoding: .utf8)
        try "issue.summary = replica.summary\n".write(toFile: folder.file("in.sync"), atomically: true, encoding: .utf8)
        ports = ["blue": freePort(), "green": freePort()]
    }

    override func tearDown() {
        for (name, node) in nodes.sorted(by: { $0.key < $1.key }) {
            node.stop()
            if (testRun?.failureCount ?? 0) > 0 { print("--- \(name) log:\n\(node.stderr.suffix(4000))") }
        }
    }

    /// Copy and rename, as installers must.
    private func install(_ built: String, as name: String) throws {
        let temporary = plugins + "/." + name + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.copyItem(atPath: built, toPath: temporary)
        guard rename(temporary, plugins + "/" + name) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    private func connection(_ instance: String, peer: String) -> JSON {
        ["instance": .string(instance), "peer": ["url": .string("http://127.0.0.1:\(ports[peer]!)"), "secret": .string(secret)],
         "trigger": ["query": "", "pollSeconds": 0.1], "outgoing": "out.sync", "incoming": "in.sync"]
    }

    /// The node configuration of `side`; `extra` adds instances and connections.
    private func writeConfig(_ side: String, extraInstances: [String: JSON] = [:], extraConnections: [String: JSON] = [:]) throws {
        let peer = side == "blue" ? "green" : "blue"
        var instances: [String: JSON] = ["files": ["plugin": "c-filestore", "config": ["dir": .string(folder.file("store-files-\(side)"))]]]
        instances.merge(extraInstances) { _, new in new }
        var connections: [String: JSON] = ["files": connection("files", peer: peer)]
        connections.merge(extraConnections) { _, new in new }
        let config: JSON = [
            "node": ["name": .string(side), "listen": .string("127.0.0.1:\(ports[side]!)"), "dataDir": .string("data-\(side)"),
                     "adminToken": .string(adminToken)],
            "pluginsDir": "plugins", "instances": .object(instances), "connections": .object(connections),
        ]
        try Data(config.serialized()).write(to: URL(fileURLWithPath: folder.file("\(side).json")))
    }

    private func secondConnection(_ side: String) throws {
        let peer = side == "blue" ? "green" : "blue"
        try writeConfig(side, extraInstances: ["files2": ["plugin": "c-filestore-2", "config": ["dir": .string(folder.file("store-files2-\(side)"))]]],
                        extraConnections: ["files2": connection("files2", peer: peer)])
    }

    private func startNodes() throws {
        for side in ["blue", "green"] {
            try writeConfig(side)
            try startNode(side)
        }
    }

    private func startNode(_ side: String) throws {
        nodes[side] = try BackgroundProcess(side, TestPaths.tandem, ["run", "--config", folder.file("\(side).json"), "--log-level", "warn"],
                                            logFolder: folder.path, currentDirectory: folder.path)
    }

    /// The depth of one queue of a connection, from `tandem status`.
    private func queue(_ side: String, _ connection: String, _ name: String) throws -> Int? {
        let status = try ChildProcess.tandem(["status", "--config", folder.file("\(side).json"), "--json"], currentDirectory: folder.path)
        let rows = try JSON(parsing: status.stdout)["connections"]?.arrayValue ?? []
        return rows.first { $0["name"]?.stringValue == connection }?[name]?.intValue
    }

    private func reload(_ side: String) throws -> ProcessResult {
        try ChildProcess.tandem(["reload", "--config", folder.file("\(side).json")], currentDirectory: folder.path)
    }

    /// A tracker user of one store, through a build that is not a file under test.
    private func tracker(_ store: String) throws -> PluginInstance {
        let plugin = try PluginLoader().load(path: folder.file("build-libfilestore.so")).get()
        return try PluginInstance(plugin: plugin, name: "user", configuration: ["dir": .string(folder.file(store))],
                                  services: HostServices(log: { _, _, _ in }, http: { _ in .failure(.unreachable("none")) },
                                                         secret: { _ in nil }, nowMs: { 0 }))
    }

    private func summaries(_ store: String) throws -> Set<String> {
        let user = try tracker(store)
        let refs = try user.call("search", ["cursor": nil]).json["refs"]?.arrayValue ?? []
        return Set(try refs.compactMap { try user.call("get", ["id": $0["id"] ?? .null]).json["fields"]?["summary"]?.stringValue })
    }

    func testANewConnectionOnANewPluginFile_SyncsAfterReloadWhileTheOtherConnectionDeliversEverything() throws {
        try startNodes()
        let blueFiles = try tracker("store-files-blue")
        let expected = (1...30).map { "change \($0)" }
        let creator = Thread {
            for summary in expected {
                _ = try? blueFiles.call("create", ["fields": ["summary": .string(summary)]])
                Thread.sleep(forTimeInterval: 0.03)
            }
        }
        creator.start()
        Thread.sleep(forTimeInterval: 0.3)

        try CCompiler.sdkConnector([TestPaths.packageRoot + "/Examples/CConnector/filestore.c"], output: folder.file("build-libfilestore2.so"),
                                   defines: ["FILESTORE_ID=\"c-filestore-2\""])
        try install(folder.file("build-libfilestore2.so"), as: "libfilestore2.so")
        for side in ["blue", "green"] {
            try secondConnection(side)
            let result = try reload(side)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(result.stdout, "added: files2\nunchanged: files\nplugins loaded: c-filestore-2\n", result.stderr)
        }
        _ = try tracker("store-files2-blue").call("create", ["fields": ["summary": "on the new connection"]])
        XCTAssertTrue(try eventually(timeout: 60) { try summaries("store-files2-green").contains("on the new connection") })
        XCTAssertTrue(try eventually(timeout: 60) { try summaries("store-files-green").isSuperset(of: expected) },
                      "missing on green: \(Set(expected).subtracting((try? summaries("store-files-green")) ?? []).sorted())")
        XCTAssertTrue(nodes.values.allSatisfy(\.isRunning))
    }

    func testAnInvalidReload_IsRefusedWholeWithItsReasonAndChangesNothing() throws {
        try startNodes()
        try writeConfig("blue", extraInstances: ["broken": ["plugin": "c-filestore-missing", "config": ["dir": .string(folder.file("nowhere"))]]],
                        extraConnections: ["broken": connection("broken", peer: "green"), "files": connection("files", peer: "blue")])
        let result = try reload("blue")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("plugin 'c-filestore-missing' is not loaded"), result.stderr)
        XCTAssertTrue(result.stderr.contains("nothing was changed"), result.stderr)
        let status = try ChildProcess.tandem(["status", "--config", folder.file("blue.json"), "--json"], currentDirectory: folder.path)
        XCTAssertEqual(try JSON(parsing: status.stdout)["connections"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["files"])
        _ = try tracker("store-files-blue").call("create", ["fields": ["summary": "after the refused reload"]])
        XCTAssertTrue(try eventually(timeout: 60) { try summaries("store-files-green").contains("after the refused reload") },
                      "the old configuration stopped syncing to its peer")
    }

    func testARemovedConnection_KeepsItsQueueInTheStoreForWhenItComesBack() throws {
        try startNodes()
        nodes["green"]?.stop()
        _ = try tracker("store-files-blue").call("create", ["fields": ["summary": "queued while green is down"]])
        XCTAssertTrue(try eventually(timeout: 60) { try queue("blue", "files", "outbox") ?? 0 >= 1 }, "nothing was queued for green")

        let other: JSON = ["instance": "other", "peer": ["url": .string("http://127.0.0.1:\(ports["green"]!)"), "secret": .string(secret)],
                           "trigger": ["query": ""], "outgoing": "out.sync", "incoming": "in.sync"]
        let config = try JSON(parsing: [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.file("blue.json")))))
        var without = config
        without["instances"]?["other"] = ["plugin": "c-filestore", "config": ["dir": .string(folder.file("store-other-blue"))]]
        without["connections"] = ["other": other]
        try Data(without.serialized()).write(to: URL(fileURLWithPath: folder.file("blue.json")))
        let removed = try reload("blue")
        XCTAssertEqual(removed.stdout, "added: other\nremoved: files\n", removed.stderr)

        try Data(config.serialized()).write(to: URL(fileURLWithPath: folder.file("blue.json")))
        let back = try reload("blue")
        XCTAssertEqual(back.stdout, "added: files\nremoved: other\n", back.stderr)
        XCTAssertGreaterThanOrEqual(try queue("blue", "files", "outbox") ?? 0, 1, "the outbox did not survive the removal")
        try startNode("green")
        XCTAssertTrue(try eventually(timeout: 60) { try summaries("store-files-green").contains("queued while green is down") },
                      "the change queued before the connection was removed was lost")
    }

    func testAChangedInstanceConfig_RestartsItsConnectionOnTheNewSettings() throws {
        try startNodes()
        var config = try JSON(parsing: [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.file("blue.json")))))
        config["instances"]?["files"]?["config"] = ["dir": .string(folder.file("store-moved-blue"))]
        try Data(config.serialized()).write(to: URL(fileURLWithPath: folder.file("blue.json")))
        let result = try reload("blue")
        XCTAssertEqual(result.stdout, "changed: files\n", result.stderr)
        _ = try tracker("store-moved-blue").call("create", ["fields": ["summary": "from the moved store"]])
        XCTAssertTrue(try eventually(timeout: 60) { try summaries("store-files-green").contains("from the moved store") })
    }

    func testAChangedFileOfALoadedPlugin_SaysRestartNeededAndKeepsTheOldOne() throws {
        try startNodes()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: folder.file("build-libfilestore.so")))
        bytes.append(contentsOf: [0x0A])  // another build: same plugin, different bytes
        try bytes.write(to: URL(fileURLWithPath: folder.file("build-changed.so")))
        try install(folder.file("build-changed.so"), as: "libfilestore.so")
        let result = try reload("blue")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "unchanged: files\nrestart needed for plugin c-filestore (libfilestore.so changed)\n")
        _ = try tracker("store-files-blue").call("create", ["fields": ["summary": "still the old plugin"]])
        XCTAssertTrue(try eventually(timeout: 60) { try summaries("store-files-green").contains("still the old plugin") })
    }

    func testSIGHUP_ReloadsLikeTheCommand() throws {
        try startNodes()
        try CCompiler.sdkConnector([TestPaths.packageRoot + "/Examples/CConnector/filestore.c"], output: folder.file("build-libfilestore2.so"),
                                   defines: ["FILESTORE_ID=\"c-filestore-2\""])
        try install(folder.file("build-libfilestore2.so"), as: "libfilestore2.so")
        for side in ["blue", "green"] {
            try secondConnection(side)
            kill(nodes[side]!.processIdentifier, SIGHUP)
        }
        _ = try tracker("store-files2-blue").call("create", ["fields": ["summary": "after SIGHUP"]])
        XCTAssertTrue(try eventually(timeout: 60) { try summaries("store-files2-green").contains("after SIGHUP") })
    }
}
