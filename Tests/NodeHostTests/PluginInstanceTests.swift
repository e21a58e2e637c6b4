import Foundation
import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// Calls through the ABI: instances, operations, errors, and what the host refuses.
final class PluginInstanceTests: XCTestCase {
    private var folder: TemporaryDirectory!

    override func setUpWithError() throws {
        folder = TemporaryDirectory("instance")
    }

    private func services(logs: LogRecorder = LogRecorder()) -> HostServices {
        HostServices(
            log: { instance, level, message in logs.append("\(instance) \(level) \(message)") },
            http: { request in .failure(.unreachable("no network in this test: \(request.url)")) },
            secret: { name in name == "known" ? "s3cret" : nil },
            nowMs: { 1_700_000_000_000 })
    }

    private func load(_ path: String) throws -> LoadedPlugin {
        try PluginLoader().load(path: path).get()
    }

    func testDescribe_EveryBundledPluginAnswersThroughTheABI() throws {
        let paths = [TestPaths.products + "/libJiraLike.so", TestPaths.products + "/libServiceNowLike.so",
                     try FixturePlugins.buildCExample(in: folder)]
        let configs: [JSON] = [
            ["baseUrl": "http://127.0.0.1:1", "auth": ["type": "basic", "user": "u", "password": "p"], "project": "SUP"],
            ["baseUrl": "http://127.0.0.1:1", "auth": ["type": "bearer", "token": "t"]],
            ["dir": .string(folder.file("store"))],
        ]
        for (path, config) in zip(paths, configs) {
            let plugin = try load(path)
            let instance = try PluginInstance(plugin: plugin, name: "side", configuration: config, services: services())
            let description = try instance.call("describe").json
            XCTAssertEqual(description["id"]?.stringValue, plugin.id, path)
            XCTAssertEqual(description["operations"]?.arrayValue?.compactMap(\.stringValue), plugin.operations, path)
            XCTAssertEqual(description["runtime"]?.stringValue, plugin.runtime, path)
        }
    }

    func testCall_OperationNotDeclaredIsRefusedByTheHost() throws {
        let plugin = try load(TestPaths.products + "/libJiraLike.so")
        let instance = try PluginInstance(
            plugin: plugin, name: "jira",
            configuration: ["baseUrl": "http://127.0.0.1:1", "auth": ["type": "bearer", "token": "t"], "project": "SUP"],
            services: services())
        XCTAssertThrowsError(try instance.call("attachment.list", ["id": "1"])) { error in
            XCTAssertEqual(error as? PluginCallError,
                           PluginCallError(.unsupported, "jira-like does not declare operation 'attachment.list'; the node will not call it"))
        }
    }

    func testCreateInstance_SwiftPluginNamesTheBadConfigKey() throws {
        let plugin = try load(TestPaths.products + "/libJiraLike.so")
        let bad: [(JSON, String)] = [
            (["auth": ["type": "basic", "user": "u", "password": "p"], "project": "SUP"], "configuration key 'baseUrl' is missing or empty"),
            (["baseUrl": "ftp://x", "auth": ["type": "basic"], "project": "SUP"], "configuration key 'baseUrl' must start with http:// or https:// (the value is not shown: it may be a secret)"),
            (["baseUrl": "http://x", "auth": ["type": "oauth"], "project": "SUP"], "configuration key 'auth.type' must be 'basic' or 'bearer'"),
            (["baseUrl": "http://x", "auth": ["type": "basic", "user": "u"], "project": "SUP"], "configuration key 'auth.password' is missing or empty"),
            (["baseUrl": "http://x", "auth": ["type": "bearer", "token": "t"]], "configuration key 'project' is missing or empty"),
            (["baseUrl": "http://x", "auth": ["type": "bearer", "token": ["secret": "unknown"]], "project": "S"],
             "configuration key 'auth.token' names secret 'unknown', which the node does not have"),
        ]
        for (config, message) in bad {
            XCTAssertThrowsError(try PluginInstance(plugin: plugin, name: "jira", configuration: config, services: services())) { error in
                XCTAssertEqual(error as? PluginCallError, PluginCallError(.invalid, message))
            }
        }
    }

    func testCreateInstance_ConfigValueMayComeFromTheHostSecretStore() throws {
        let plugin = try load(TestPaths.products + "/libServiceNowLike.so")
        let config: JSON = ["baseUrl": "http://x", "auth": ["type": "bearer", "token": ["secret": "known"]]]
        XCTAssertNoThrow(try PluginInstance(plugin: plugin, name: "snow", configuration: config, services: services()))
    }

    func testCExample_CreateGetUpdateSearchThroughTheABI() throws {
        let plugin = try load(try FixturePlugins.buildCExample(in: folder))
        XCTAssertFalse(plugin.isThreadSafe)
        let logs = LogRecorder()
        let store = try PluginInstance(plugin: plugin, name: "files", configuration: ["dir": .string(folder.file("store"))],
                                       services: services(logs: logs))
        XCTAssertEqual(logs.lines, ["files 1 c-filestore instance ready"])

        let created = try store.call("create", ["fields": ["summary": "Printer on fire", "priority": "High"]]).json
        XCTAssertEqual(created["key"]?.stringValue, "FS-1")
        XCTAssertEqual(created["updated"]?.stringValue, "2023-11-14T22:13:20.000Z", "uses the host clock")

        let updated = try store.call("update", ["id": "1", "fields": ["summary": "Printer fixed"]]).json
        XCTAssertEqual(updated["fields"], ["summary": "Printer fixed", "priority": "High"])
        XCTAssertEqual(try store.call("get", ["key": "FS-1"]).json, updated)

        let found = try store.call("search", ["cursor": nil]).json
        XCTAssertEqual(found["refs"]?.arrayValue?.compactMap { $0["key"]?.stringValue }, ["FS-1"])
        XCTAssertEqual(found["refs"]?[0]?["updated"], updated["updated"], "refs carry updated")
        XCTAssertEqual(found["more"], false)
        let later = try store.call("search", ["cursor": found["cursor"] ?? .null, "overlapSeconds": 0]).json
        XCTAssertEqual(later["refs"]?.arrayValue?.compactMap { $0["key"]?.stringValue }, ["FS-1"],
                       "a caught-up cursor re-reads from its own instant (the overlap)")
    }

    func testCExample_KeepsEscapedAndUnicodeStringsIntact() throws {
        let folder = TemporaryDirectory("c-example")
        let plugin = try load(try FixturePlugins.buildCExample(in: folder))
        let store = try PluginInstance(plugin: plugin, name: "files", configuration: ["dir": .string(folder.file("store"))],
                                       services: services())
        let summary = "quote \" backslash \\ slash / tab \t newline \n accents é ✓ emoji \u{1F600} nul-free"
        let created = try store.call("create", ["fields": ["summary": .string(summary), "nested": ["a\"b": [1, 2.5, nil]]]]).json
        let read = try store.call("get", ["id": created["id"] ?? .null]).json
        XCTAssertEqual(read["fields"]?["summary"]?.stringValue, summary)
        XCTAssertEqual(read["fields"]?["nested"], ["a\"b": [1, 2.5, nil]])
    }

    func testCExample_MapsMissingEntityToNotFound_AndBadInputToInvalid() throws {
        let plugin = try load(try FixturePlugins.buildCExample(in: folder))
        let store = try PluginInstance(plugin: plugin, name: "files", configuration: ["dir": .string(folder.file("s"))],
                                       services: services())
        XCTAssertThrowsError(try store.call("get", ["id": "99"])) { error in
            XCTAssertEqual(error as? PluginCallError, PluginCallError(.notFound, "get: no such entity"))
        }
        XCTAssertThrowsError(try store.call("get", ["id": "../etc/passwd"])) { error in
            XCTAssertEqual((error as? PluginCallError)?.kind, .invalid)
        }
        XCTAssertThrowsError(try PluginInstance(plugin: plugin, name: "files", configuration: [:], services: services())) { error in
            XCTAssertEqual(error as? PluginCallError,
                           PluginCallError(.invalid, "configuration key 'dir' is missing or not a string"))
        }
    }

    func testCall_JSONRoundTripsThroughACPlugin() throws {
        let plugin = try load(try FixturePlugins.build("echo.so", ["FIXTURE_ID=\"echo\""], in: folder))
        let instance = try PluginInstance(plugin: plugin, name: "echo", configuration: [:], services: services())
        let input: JSON = ["text": "ünïcode \"quoted\"", "n": 42, "list": [1.5, nil, true]]
        XCTAssertEqual(try instance.call("echo", input).json, input)
    }
}

/// Collects log lines from plugin instances, from any thread.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
