import Foundation
import TestSupport
import XCTest

/// Short fixed-seed runs of `tandem-bench history` (this build): people edit,
/// comment, attach and create on both trackers at once while connections
/// pause, a node stops, and (second run) nodes are killed; afterwards
/// nothing may be lost, duplicated, diverged or counted as a false conflict.
/// On failure the output names the invariant, the entity and the part of
/// the history that shows it, and where the process logs are.
final class HistoryCheckerEndToEndTests: XCTestCase {
    private func history(_ arguments: [String]) throws -> ProcessResult {
        try ChildProcess.run(TestPaths.products + "/tandem-bench", ["history"] + arguments, currentDirectory: TestPaths.packageRoot)
    }

    func testTwentySecondsOfTwoSidedChanges_WithPausesAndAnOutage_LoseAndInventNothing() throws {
        let result = try history(["--pairs", "8", "--seconds", "20", "--rate", "15", "--seed", "101", "--settle", "120"])
        XCTAssertEqual(result.status, 0, "\(result.stdout)\n\(result.stderr)")
    }

    func testTwentySecondsOfTwoSidedChanges_WhileNodesAreKilled_LoseAndInventNothing() throws {
        let result = try history(["--pairs", "8", "--seconds", "20", "--rate", "15", "--seed", "202", "--kill-every", "3-6",
                                  "--settle", "120"])
        XCTAssertEqual(result.status, 0, "\(result.stdout)\n\(result.stderr)")
    }
}
