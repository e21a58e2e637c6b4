import Foundation
@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// `tandem config check`: one configuration with every kind of problem,
/// all reported in one run.
final class ConfigCheckTests: XCTestCase {
    private let folder = TemporaryDirectory("config-check")
    private let plugins = TemporaryDirectory("config-check-plugins")

    /// A configuration holding every problem at once: two missing variables,
    /// unknown keys at three levels, a script reading a misspelled name, a
    /// script that does not parse, a plugin that is not there, a plugin that
    /// refuses its config, a tracker that cannot be read, and a peer that is
    /// not listening.
    private func writeConfiguration() throws -> String {
        try FileManager.default.createDirectory(atPath: folder.file("store"), withIntermediateDirectories: true)
        try FixturePlugins.buildCExample(in: plugins)
        try """
            def priorityMap = ["High": "2"]
            replica.summary = issue.summary
            replica.priority = priortyMap[issue.priority]

            """.write(toFile: folder.file("out.sync"), atomically: true, encoding: .utf8)
        try "issue.summary = replica.summary\nif (replica.priority {\n".write(toFile: folder.file("in.sync"), atomically: true, encoding: .utf8)
        let peer = "http://127.0.0.1:\(freePort())"
        let config: JSON = [
            "node": ["name": "blue", "listen": "127.0.0.1:${BLUE_PORT}", "dataDir": "data", "adminToken": "${ADMIN_TOKEN_MISSING}",
                     "histroy": ["enabled": true]],
            "pluginsDir": .string(plugins.path),
            "extra": true,
            "instances": [
                "files": ["plugin": "c-filestore", "config": ["dir": .string(folder.file("store"))]],
                "gone": ["plugin": "c-filestore", "config": ["dir": .string(folder.file("out.sync"))]],  // a file: unreadable as a store
                "broken": ["plugin": "c-filestore", "config": ["nodir": true]],
                "jira": ["plugin": "jira-like", "config": ["baseUrl": "http://127.0.0.1:1"]],
            ],
            "connections": [
                "a": ["instance": "files", "peer": ["url": .string(peer), "secret": "a-secret-of-16-chars"],
                      "trigger": ["query": ""], "outgoing": "out.sync", "incoming": "in.sync", "retries": 3],
                "b": ["instance": "gone", "peer": ["url": .string(peer), "secret": "a-secret-of-16-chars"],
                      "trigger": ["query": ""], "outgoing": "out.sync", "incoming": "in.sync"],
                "c": ["instance": "broken", "peer": ["url": .string(peer), "secret": "a-secret-of-16-chars"],
                      "trigger": ["query": ""], "outgoing": "out.sync", "incoming": "in.sync"],
                "d": ["instance": "jira", "peer": ["url": .string(peer), "secret": "a-secret-of-16-chars"],
                      "trigger": ["query": ""], "outgoing": "out.sync", "incoming": "in.sync"],
            ],
        ]
        try config.text.write(toFile: folder.file("node.json"), atomically: true, encoding: .utf8)
        return folder.file("node.json")
    }

    func testEveryProblemOfOneConfiguration_IsReportedInOneRun() throws {
        let path = try writeConfiguration()
        let report = ConfigCheck(path: path, environment: [:]).run(trackers: true, peers: true)
        let messages = report.problems.map(\.message)
        func reported(_ fragments: String..., kind: ConfigCheck.Problem.Kind = .config, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertTrue(report.problems.contains { problem in problem.kind == kind && fragments.allSatisfy { problem.message.contains($0) } },
                          "\(fragments) not reported; got:\n\(messages.joined(separator: "\n"))", file: file, line: line)
        }
        reported("$.node.listen", "BLUE_PORT is not set")
        reported("$.node.adminToken", "ADMIN_TOKEN_MISSING is not set")
        reported("$.extra", "unknown key")
        reported("$.node.histroy", "unknown key")
        reported("$.connections.a.retries", "unknown key")
        reported("out.sync:3:", "unknown name 'priortyMap'", "replica.priority = priortyMap[issue.priority]")
        reported("in.sync:2:")
        reported("$.instances.jira.plugin", "'jira-like' is not loaded")
        reported("$.instances.broken.config", "refused")
        reported("$.connections.b.trigger.query", kind: .outside)
        reported("$.connections.a.peer", "cannot reach the peer", kind: .outside)
        XCTAssertFalse(messages.contains { $0.contains("expected HOST:PORT") }, "a missing variable is reported once, not as the value it leaves: \(messages)")
    }

    func testAValidConfiguration_HasNoProblem() throws {
        try FileManager.default.createDirectory(atPath: folder.file("store"), withIntermediateDirectories: true)
        try FixturePlugins.buildCExample(in: folder)
        try "replica.summary = issue.summary\n".write(toFile: folder.file("out.sync"), atomically: true, encoding: .utf8)
        try "issue.summary = replica.summary\nif (firstSync) { log.info(\"new\") }\n".write(toFile: folder.file("in.sync"), atomically: true, encoding: .utf8)
        let config: JSON = [
            "node": ["name": "blue", "listen": "127.0.0.1:0", "dataDir": "data", "adminToken": "${TOKEN}"],
            "pluginsDir": ".",
            "instances": ["files": ["plugin": "c-filestore", "config": ["dir": .string(folder.file("store"))]]],
            "connections": ["a": ["instance": "files", "peer": ["url": "http://127.0.0.1:1", "secret": "a-secret-of-16-chars"],
                                  "trigger": ["query": ""], "outgoing": "out.sync", "incoming": "in.sync"]],
        ]
        try config.text.write(toFile: folder.file("node.json"), atomically: true, encoding: .utf8)
        let report = ConfigCheck(path: folder.file("node.json"), environment: ["TOKEN": "an-admin-token-0123456789"]).run(trackers: true, peers: false)
        XCTAssertEqual(report.problems.map(\.message), [])
        XCTAssertNotNil(report.config)
    }

    func testTheNodeSectionAlone_LoadsWithoutTheTrackersCredentials() throws {
        let config: JSON = [
            "node": ["name": "blue", "listen": "127.0.0.1:7101", "dataDir": "data", "adminToken": "${TOKEN}"],
            "instances": ["jira": ["plugin": "jira-like", "config": ["auth": ["password": "${JIRA_PASSWORD}"]]]],
            "connections": [:],
        ]
        try config.text.write(toFile: folder.file("node.json"), atomically: true, encoding: .utf8)
        let node = try NodeConfig.loadNode(path: folder.file("node.json"), environment: ["TOKEN": "an-admin-token-0123456789"])
        XCTAssertEqual(node.port, 7101)
        XCTAssertEqual(node.adminToken, "an-admin-token-0123456789")
    }
}
