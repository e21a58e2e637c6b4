import Foundation
import TandemJSON
import XCTest

/// Runs the real `tandem sim …` binary as a child process.
final class SimCommandTests: XCTestCase {
    /// The built `tandem` next to the test bundle (`.build/<config>/`).
    static func tandemBinary() throws -> URL {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tandem"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tandem"),
            Bundle.main.bundleURL.appendingPathComponent("tandem"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("the tandem executable is not built next to the tests (\(candidates[0].path)); run 'swift build' first")
        }
        return found
    }

    /// Starts `tandem <arguments>` and returns it with the first line it printed.
    static func launch(_ arguments: [String]) throws -> (Process, Pipe, String) {
        let process = Process()
        process.executableURL = try tandemBinary()
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        let handle = output.fileHandleForReading
        while true {
            let chunk = handle.readData(ofLength: 1)
            guard let byte = chunk.first else { break }
            if byte == 10 { break }
            line.append(byte)
        }
        return (process, output, String(decoding: line, as: UTF8.self))
    }

    /// Waits up to `seconds` for `process` to end; kills it and fails the test if it does not.
    static func waitForExit(_ process: Process, seconds: Double = 10, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            XCTFail("tandem did not exit within \(seconds) s of the signal", file: file, line: line)
        }
        process.waitUntilExit()
    }

    func testSimJira_PrintsListeningLineServesAndExitsZeroOnSIGTERM() throws {
        let (process, _, line) = try Self.launch(["sim", "jira", "--port", "0", "--user", "admin", "--password", "secret", "--project", "OPS"])
        XCTAssertTrue(line.hasPrefix("listening on http://127.0.0.1:"), line)
        let base = String(line.dropFirst("listening on ".count))
        let project = try SimClient(base: base).json("GET", "/rest/api/2/project/OPS")
        XCTAssertEqual(project["key"], "OPS")
        process.terminate()
        Self.waitForExit(process)
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testSimServiceNow_ExitsZeroOnSIGINT() throws {
        let (process, _, line) = try Self.launch(["sim", "servicenow", "--port", "0", "--user", "admin", "--password", "secret"])
        XCTAssertTrue(line.hasPrefix("listening on http://127.0.0.1:"), line)
        process.interrupt()
        Self.waitForExit(process)
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testSimJira_MissingPassword_IsAUsageError() throws {
        let process = Process()
        process.executableURL = try Self.tandemBinary()
        process.arguments = ["sim", "jira", "--port", "0", "--user", "admin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Self.waitForExit(process)
        XCTAssertEqual(process.terminationStatus, 2)
    }

    func testSimServiceNow_AcceptsAFurtherAccountWithItsOwnPassword() throws {
        let (process, _, line) = try Self.launch(["sim", "servicenow", "--port", "0", "--user", "admin", "--password", "secret",
                                                  "--account", "tandem-integration:integration-secret"])
        defer {
            process.terminate()
            Self.waitForExit(process)
        }
        let base = String(line.dropFirst("listening on ".count))
        let node = SimClient(base: base, user: "tandem-integration", password: "integration-secret")
        XCTAssertEqual(try node.send("GET", "/api/now/table/incident").status, 200)
        XCTAssertEqual(try SimClient(base: base, user: "admin", password: "secret").send("GET", "/api/now/table/incident").status, 200)
    }

    func testSimJira_AnAccountWithoutAPassword_IsAUsageError() throws {
        let process = Process()
        process.executableURL = try Self.tandemBinary()
        process.arguments = ["sim", "jira", "--port", "0", "--user", "admin", "--password", "secret", "--account", "tandem-integration"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Self.waitForExit(process)
        XCTAssertEqual(process.terminationStatus, 2)
    }
}
