import Foundation
import TestSupport
import XCTest

/// `tandem demo` runs the whole scenario to a green end.
final class DemoEndToEndTests: XCTestCase {
    func testDemo_RunsEveryStepToAGreenEnd_AndPrintsTheTimeline() throws {
        let result = try ChildProcess.tandem(["demo"], currentDirectory: TestPaths.packageRoot)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let steps = result.stdout.split(separator: "\n").filter { $0.range(of: #"^ +\d+ "#, options: .regularExpression) != nil }
        XCTAssertGreaterThanOrEqual(steps.count, 8, result.stdout)
        for step in steps {
            XCTAssertNotNil(step.range(of: #"✓ +\d+ ms"#, options: .regularExpression), "held, with its milliseconds: \(step)")
        }
        XCTAssertTrue(result.stdout.contains("✓ all \(steps.count) steps held"), result.stdout)
    }

    func testDemo_PlaysAttachBothWaysAndADeliberateConflict_SayingWhichEditWonAndWhy() throws {
        let result = try ChildProcess.tandem(["demo"], currentDirectory: TestPaths.packageRoot)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        func step(_ pattern: String) -> String? { lines.first { $0.range(of: pattern, options: .regularExpression) != nil } }

        XCTAssertNotNil(step(#"attach .* Jira +ServiceNow .*✓ .*same SHA-256"#), result.stdout)
        XCTAssertNotNil(step(#"attach .* ServiceNow +Jira .*✓ .*same SHA-256"#), result.stdout)
        let conflict = try XCTUnwrap(step("conflict"), result.stdout)
        XCTAssertTrue(conflict.contains("Jira's edit won on both: blue local-wins, green remote-wins"), conflict)
    }
}
