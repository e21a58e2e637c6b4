import Foundation
import LocalDeployment
import TestSupport
import XCTest

/// The harness's own child processes: killed and restarted many times by
/// the history checker, each leaving nothing behind in the harness.
final class BackgroundProcessTests: XCTestCase {
    private let folder = TemporaryDirectory("background")

    private func drainThreads() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").filter { task in
            let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? ""
            return name.hasPrefix("stdout-drain")
        }.count
    }

    /// The child keeps printing after its `listening on` line; killing it
    /// ends the thread that drained its output, so a hundred restarts leave
    /// no thread (and no descriptor) behind.
    func testAChildKilledWhilePrinting_LeavesNoDrainBehind() throws {
        let before = try drainThreads()
        for _ in 0..<100 {
            let child = try BackgroundProcess("printer", "/bin/sh",
                                              ["-c", "echo listening on http://127.0.0.1:1; while :; do echo output; done"],
                                              logFolder: folder.path)
            child.kill()
        }
        let deadline = Date(timeIntervalSinceNow: 10)
        while try drainThreads() > before, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(try drainThreads(), before)
    }
}
