import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// Instances refuse a configuration they cannot use, naming the key.
final class ConnectorConfigurationTests: XCTestCase {
    private let services = HostServices(log: { _, _, _ in }, http: { _ in .failure(.unreachable("no network")) },
                                        secret: { _ in nil }, nowMs: { 0 })

    private func refusal(_ file: String, _ config: JSON) throws -> PluginCallError? {
        let plugin = try PluginLoader().load(path: TestPaths.products + "/" + file).get()
        do {
            _ = try PluginInstance(plugin: plugin, name: "x", configuration: config, services: services)
            return nil
        } catch {
            return error
        }
    }

    func testJira_RefusesAMissingProject() throws {
        let error = try refusal("libJiraLike.so", ["baseUrl": "http://h", "auth": ["type": "bearer", "token": "t"]])
        XCTAssertEqual(error, PluginCallError(.invalid, "configuration key 'project' is missing or empty"))
    }

    func testJira_RefusesAProjectThatIsNotAKey() throws {
        let error = try refusal("libJiraLike.so", ["baseUrl": "http://h", "auth": ["type": "bearer", "token": "t"], "project": "S P"])
        XCTAssertEqual(error?.kind, .invalid)
        XCTAssertTrue(error?.message.hasPrefix("configuration key 'project'") ?? false)
    }

    func testServiceNow_RefusesABadTableName() throws {
        let error = try refusal("libServiceNowLike.so", ["baseUrl": "http://h", "auth": ["type": "bearer", "token": "t"], "table": "inc^ident"])
        XCTAssertEqual(error?.kind, .invalid)
        XCTAssertTrue(error?.message.hasPrefix("configuration key 'table'") ?? false)
    }

    func testBoth_RefuseAnUnknownAuthType() throws {
        for (file, types) in [("libJiraLike.so", "'basic' or 'bearer'"), ("libServiceNowLike.so", "'basic', 'bearer' or 'oauth'")] {
            let error = try refusal(file, ["baseUrl": "http://h", "auth": ["type": "kerberos"], "project": "SUP"])
            XCTAssertEqual(error, PluginCallError(.invalid, "configuration key 'auth.type' must be \(types)"), file)
        }
    }

    func testBoth_RefuseAMissingBaseURL() throws {
        for file in ["libJiraLike.so", "libServiceNowLike.so"] {
            let error = try refusal(file, ["auth": ["type": "bearer", "token": "t"], "project": "SUP"])
            XCTAssertEqual(error, PluginCallError(.invalid, "configuration key 'baseUrl' is missing or empty"), file)
        }
    }

    func testBoth_DescribeListsEveryContractOperationAndTheirKeys() throws {
        for (file, key) in [("libJiraLike.so", "project"), ("libServiceNowLike.so", "table")] {
            let plugin = try PluginLoader().load(path: TestPaths.products + "/" + file).get()
            let optional = file == "libServiceNowLike.so" ? ["version"] : []
            XCTAssertEqual(plugin.operations, ["describe", "search", "get", "create", "lookup", "update", "comment.add",
                                               "attachment.get", "attachment.put", "user.find", "webhook.parse"] + optional + ["match"], file)
            XCTAssertTrue(plugin.isThreadSafe, file)
            let instance = try PluginInstance(plugin: plugin, name: "x",
                                              configuration: ["baseUrl": "http://h", "auth": ["type": "bearer", "token": "t"], "project": "SUP"],
                                              services: services)
            XCTAssertTrue(try instance.call("describe").json["configuration"]?.arrayValue?.contains(.string(key)) ?? false, file)
        }
    }
}
