import Foundation
import TandemJSON
import TestSupport
import XCTest

/// `tandem plugins list`, run as a user would run it.
final class PluginsListCommandTests: XCTestCase {
    func testJSON_HasExactlyTheDocumentedKeys_ForLoadedAndRefusedFiles() throws {
        let folder = TemporaryDirectory("list")
        try FileManager.default.copyItem(atPath: TestPaths.products + "/libJiraLike.so", toPath: folder.file("libJiraLike.so"))
        try "not a plugin".write(toFile: folder.file("broken.so"), atomically: true, encoding: .utf8)

        let result = try ChildProcess.tandem(["plugins", "list", "--dir", folder.path, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = try XCTUnwrap(try JSON(parsing: result.stdout).arrayValue)
        XCTAssertEqual(rows.count, 2)
        let keys: Set = ["file", "status", "id", "version", "abi", "runtime", "operations", "reason"]
        for row in rows { XCTAssertEqual(Set(row.objectValue?.keys ?? [:].keys), keys) }

        let broken = try XCTUnwrap(rows.first { $0["file"] == "broken.so" })
        XCTAssertEqual(broken["status"], "refused")
        XCTAssertTrue(broken["reason"]?.stringValue?.hasPrefix("not a loadable shared object") == true)
        let jira = try XCTUnwrap(rows.first { $0["file"] == "libJiraLike.so" })
        XCTAssertEqual(jira["status"], "loaded")
        XCTAssertEqual(jira["id"], "jira-like")
        XCTAssertEqual(jira["abi"], "1.0")
        XCTAssertEqual(jira["reason"], .null)
    }

    func testTable_ShowsTheRefusalReason() throws {
        let folder = TemporaryDirectory("list")
        try "not a plugin".write(toFile: folder.file("broken.so"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.tandem(["plugins", "list", "--dir", folder.path])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("broken.so"))
        XCTAssertTrue(result.stdout.contains("refused"))
        XCTAssertTrue(result.stdout.contains("not a loadable shared object"))
    }

    func testUnreadableFolder_ExitsTwoWithAMessage() throws {
        let result = try ChildProcess.tandem(["plugins", "list", "--dir", "/nonexistent/plugins"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("cannot read plugins folder '/nonexistent/plugins'"), result.stderr)
    }

    func testUnknownOption_ExitsTwoAndPointsToHelp() throws {
        let result = try ChildProcess.tandem(["plugins", "list", "--jsn"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("unknown option '--jsn'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("tandem plugins list --help"), result.stderr)
    }

    func testHelp_IsAvailableForTheCommand() throws {
        let result = try ChildProcess.tandem(["plugins", "list", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.hasPrefix("Usage: tandem plugins list"))
    }
}
