import Foundation
import TandemJSON
import TestSupport
import TrackerSim
import XCTest

/// `tandem plugins new`: the project it writes outside the Tandem tree builds
/// with one command into a plugin that loads and passes the describe and
/// unknown-id checks as generated.
final class PluginsNewCommandTests: XCTestCase {
    private let folder = TemporaryDirectory("tandem-new")

    /// Runs describe and unknown-id against a Jira simulator (its unknown paths answer 404).
    private func checkGenerated(_ plugin: String) throws -> ProcessResult {
        let simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "sync", password: "pw"))
        try simulator.start()
        defer { simulator.stop() }
        let config = folder.file("config.json")
        let json: JSON = ["baseUrl": .string(simulator.baseURL), "auth": ["type": "basic", "user": "sync", "password": "pw"]]
        try Data(json.serialized()).write(to: URL(fileURLWithPath: config))
        return try ChildProcess.tandem(["plugins", "check", plugin, "--config", config, "--only", "describe,unknown-id"])
    }

    private func make(_ directory: String, _ target: String = "all") throws -> ProcessResult {
        try ChildProcess.run("/usr/bin/env", ["make", "-C", directory, target, "PLUGINS_DIR=" + folder.file("plugins.d")])
    }

    func testTheCProject_BuildsWithMakeAndPassesDescribeAndUnknownID() throws {
        let directory = folder.file("my-tracker")
        let wrote = try ChildProcess.tandem(["plugins", "new", "my-tracker", "--lang", "c", "--dir", directory, "--tandem", TestPaths.packageRoot])
        XCTAssertEqual(wrote.status, 0, wrote.stderr)
        let built = try make(directory)
        XCTAssertEqual(built.status, 0, built.stdout + built.stderr)
        let result = try checkGenerated(directory + "/build/libMyTracker.so")
        XCTAssertEqual(result.stdout, "PASS describe\nPASS unknown-id\n", result.stderr)
    }

    func testTheSwiftPackage_BuildsWithMakeAndPassesDescribeAndUnknownID() throws {
        let directory = folder.file("swift-tracker")
        let wrote = try ChildProcess.tandem(["plugins", "new", "swift-tracker", "--lang", "swift", "--dir", directory, "--tandem", TestPaths.packageRoot])
        XCTAssertEqual(wrote.status, 0, wrote.stderr)
        XCTAssertEqual(try String(contentsOfFile: directory + "/plugin.exports", encoding: .utf8),
                       try String(contentsOfFile: TestPaths.packageRoot + "/Plugins/plugin.exports", encoding: .utf8),
                       "the package's version script is the one the bundled plugins use")
        let built = try make(directory)
        XCTAssertEqual(built.status, 0, built.stdout + built.stderr)
        let result = try checkGenerated(directory + "/build/libSwiftTracker.so")
        XCTAssertEqual(result.stdout, "PASS describe\nPASS unknown-id\n", result.stderr)
    }

    func testInstall_ReplacesTheFileByRenameSoARunningNodeKeepsItsImage() throws {
        let directory = folder.file("inst")
        XCTAssertEqual(try ChildProcess.tandem(["plugins", "new", "inst", "--lang", "c", "--dir", directory, "--tandem", TestPaths.packageRoot]).status, 0)
        XCTAssertEqual(try make(directory, "install").status, 0)
        let installed = folder.file("plugins.d/libInst.so")
        let firstInode = try FileManager.default.attributesOfItem(atPath: installed)[.systemFileNumber] as? Int
        XCTAssertEqual(try make(directory, "install").status, 0)
        let secondInode = try FileManager.default.attributesOfItem(atPath: installed)[.systemFileNumber] as? Int
        XCTAssertNotEqual(firstInode, secondInode, "install rewrote the file in place")
    }

    func testANonEmptyFolder_IsRefusedWithWhatToDo() throws {
        let directory = folder.file("taken")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory + "/keep"))
        let result = try ChildProcess.tandem(["plugins", "new", "taken", "--lang", "c", "--dir", directory, "--tandem", TestPaths.packageRoot])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("is not empty; pass --dir with a new folder"), result.stderr)
    }
}
