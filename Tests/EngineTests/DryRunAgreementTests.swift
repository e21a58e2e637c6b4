@testable import NodeHost
import Foundation
import SyncScript
import TandemJSON
import TestSupport
import XCTest

/// `tandem script test` decides as the node does: the bundled incoming
/// scripts, run by the command and in process with the node's own helpers,
/// make the same changes.
final class DryRunAgreementTests: XCTestCase {
    private let corpus = TestPaths.packageRoot + "/Tests/SyncScriptTests/Fixtures/corpus/"

    private func inProcess(script: String, folder: String) throws -> JSON {
        let read = { (name: String) -> JSON? in
            guard let data = FileManager.default.contents(atPath: folder + name) else { return nil }
            return try? JSON(parsing: Array(data))
        }
        let source = try String(contentsOfFile: script, encoding: .utf8)
        let run = ScriptRun(try Script(source: source, file: script))
        let view = EntityView(try XCTUnwrap(read("entity.json")), mode: .recording)
        run.bind("issue", view)
        run.bind("entity", view)
        run.bind("replica", read("replica.json") ?? [:])
        run.bind("previous", read("previous.json") ?? .null)
        run.bind("firstSync", .bool(read("previous.json") == nil))
        let host = DryRunScriptHost { _, _ in }
        ScriptHelpers.bindLogAndDebug(into: run, host: host)
        ScriptHelpers.bindIncoming(into: run, host: host)
        try run.run()
        return view.changes
    }

    /// A ServiceNow incident as the connector returns it, and a Jira replica.
    private let serviceNowCase: (entity: JSON, replica: JSON, previous: JSON) = (
        ["id": "abc", "key": "INC0010001", "fields": ["short_description": "Printer jam", "description": "",
                                                     "state": ["id": "1", "name": "New"], "priority": ["id": "3", "name": "3 - Moderate"]],
         "comments": [["id": "c1", "body": "[Ann] first", "internal": false, "remoteId": "j1"]], "attachments": []],
        ["key": "SUP-1", "summary": "Printer jam on floor 2", "description": "All trays", "status": "Done", "priority": "High",
         "comments": [["id": "j1", "author": ["name": "Ann"], "body": "first"], ["id": "j2", "author": ["name": "Bob"], "body": "second"],
                      ["id": "9", "author": ["name": "Tandem"], "body": "[Eve] from ServiceNow", "remoteId": "c1"]],
         "attachments": []],
        ["key": "SUP-1", "summary": "Printer jam", "status": "In Progress", "priority": "Medium"])

    func testTheBundledIncomingScriptsMakeTheSameChangesInTheCommandAndTheNode() throws {
        let folder = TemporaryDirectory("dry-run")
        var cases: [(script: String, folder: String)] = [("jira-incoming.sync", corpus + "jira-incoming/"),
                                                         ("jira-incoming.sync", corpus + "jira-incoming-comment-merge/")]
        let serviceNow = folder.path + "/servicenow/"
        try FileManager.default.createDirectory(atPath: serviceNow, withIntermediateDirectories: true)
        for (name, json) in [("entity.json", serviceNowCase.entity), ("replica.json", serviceNowCase.replica),
                             ("previous.json", serviceNowCase.previous)] {
            try Data(json.serialized()).write(to: URL(fileURLWithPath: serviceNow + name))
        }
        cases.append(("servicenow-incoming.sync", serviceNow))
        for (script, folder) in cases {
            let bundled = TestPaths.packageRoot + "/examples/jira-servicenow/" + script
            var arguments = ["script", "test", "--script", bundled, "--entity", folder + "entity.json",
                             "--replica", folder + "replica.json", "--direction", "incoming"]
            if FileManager.default.fileExists(atPath: folder + "previous.json") { arguments += ["--previous", folder + "previous.json"] }
            let result = try ChildProcess.tandem(arguments)
            XCTAssertEqual(result.status, 0, "\(script) on \(folder): \(result.stderr)")
            XCTAssertEqual(try JSON(parsing: result.stdout), try inProcess(script: bundled, folder: folder), "\(script) on \(folder)")
        }
    }
}
