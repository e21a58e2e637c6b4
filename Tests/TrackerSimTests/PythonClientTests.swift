import Foundation
import XCTest

/// The widely used Python clients (pycontribs `jira` 3.10.5, `pysnow` 0.7.17) against
/// the simulators, through `python/clients_test.py` in a virtualenv under `.build/`.
final class PythonClientTests: XCTestCase {
    private static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @discardableResult
    private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private func findPython() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate),
               let result = try? run(candidate, ["-c", "import venv"]), result.status == 0 { return candidate }
        }
        return nil
    }

    func testJiraAndPysnowClients_WorkAgainstTheSimulators() throws {
        guard let python = findPython() else { throw XCTSkip("python3 (with venv) is not installed; the Python client check needs it") }
        let tandem = try SimCommandTests.tandemBinary()
        let venv = Self.packageRoot.appendingPathComponent(".build/python-clients-venv")
        let venvPython = venv.appendingPathComponent("bin/python").path
        if !FileManager.default.isExecutableFile(atPath: venvPython) {
            let created = try run(python, ["-m", "venv", venv.path])
            XCTAssertEqual(created.status, 0, "could not create the virtualenv at \(venv.path):\n\(created.output)")
            guard created.status == 0 else { return }
        }
        let check = try run(venvPython, ["-c", "import jira, pysnow; assert jira.__version__ == '3.10.5'"])
        if check.status != 0 {
            let install = try run(venvPython, ["-m", "pip", "install", "--quiet", "jira==3.10.5", "pysnow==0.7.17"])
            guard install.status == 0 else {
                return XCTFail("pip could not install jira==3.10.5 and pysnow==0.7.17 into \(venv.path) (is the package index reachable?):\n\(install.output)")
            }
        }
        let script = Self.packageRoot.appendingPathComponent("Tests/TrackerSimTests/python/clients_test.py").path
        let result = try run(venvPython, [script, tandem.path])
        XCTAssertEqual(result.status, 0, result.output)
        for line in ["jira client: ok", "jira client (cloud): ok", "pysnow client: ok", "pysnow client (strict): ok"] {
            XCTAssertTrue(result.output.contains(line), "missing '\(line)' in:\n" + result.output)
        }
    }
}
