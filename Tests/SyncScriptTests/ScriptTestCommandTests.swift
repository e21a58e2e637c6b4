import Foundation
import XCTest

/// `tandem script test` on bad input: a clear message, the validation exit
/// code (2), nothing on standard output.
final class ScriptTestCommandTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("script-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "replica.key = issue.key\n".write(to: folder.appendingPathComponent("out.sync"), atomically: true, encoding: .utf8)
        try #"{"key": "SUP-1", "fields": {}}"#.write(to: folder.appendingPathComponent("entity.json"), atomically: true, encoding: .utf8)
        try "{not json".write(to: folder.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try TandemProcess.run(["script", "test"] + arguments, in: folder)
    }

    func testValidInput_printsTheReplica() throws {
        let result = try run(["--script", "out.sync", "--entity", "entity.json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "{\"key\":\"SUP-1\"}\n")
    }

    func testMissingScriptOption_isAUsageError() throws {
        let result = try run(["--entity", "entity.json"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("missing --script FILE"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    func testUnreadableScript_namesTheFile() throws {
        let result = try run(["--script", "nope.sync", "--entity", "entity.json"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("cannot read the script file 'nope.sync'"), result.stderr)
    }

    func testInvalidEntityJSON_saysWhereItIsBroken() throws {
        let result = try run(["--script", "out.sync", "--entity", "broken.json"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("the entity file 'broken.json' is not valid JSON"), result.stderr)
    }

    func testIncomingWithoutReplica_asksForIt() throws {
        let result = try run(["--script", "out.sync", "--entity", "entity.json", "--direction", "incoming"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("an incoming script needs --replica"), result.stderr)
    }

    func testUnknownDirection_isAUsageError() throws {
        let result = try run(["--script", "out.sync", "--entity", "entity.json", "--direction", "sideways"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--direction must be 'outgoing' or 'incoming'"), result.stderr)
    }

    func testIncomingWithoutPrevious_isAFirstSync() throws {
        try "issue.summary = firstSync ? 'created' : 'updated'\n"
            .write(to: folder.appendingPathComponent("in.sync"), atomically: true, encoding: .utf8)
        let first = try run(["--script", "in.sync", "--entity", "entity.json", "--replica", "entity.json",
                             "--direction", "incoming"])
        XCTAssertEqual(first.stdout, "{\"fields\":{\"summary\":\"created\"}}\n", first.stderr)
        let later = try run(["--script", "in.sync", "--entity", "entity.json", "--replica", "entity.json",
                             "--previous", "entity.json", "--direction", "incoming"])
        XCTAssertEqual(later.stdout, "{\"fields\":{\"summary\":\"updated\"}}\n", later.stderr)
    }

    func testScriptError_exitsOneWithTheCaret() throws {
        try "replica.x = issue.assignee.email\n".write(to: folder.appendingPathComponent("bad.sync"), atomically: true, encoding: .utf8)
        let result = try run(["--script", "bad.sync", "--entity", "entity.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("""
            bad.sync:1:27: null has no member 'email'
            replica.x = issue.assignee.email
                                      ^
            """), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }
}
