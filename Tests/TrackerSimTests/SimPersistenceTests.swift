import Foundation
import TandemHTTP
import TandemJSON
import TrackerSim
import XCTest

final class SimPersistenceTests: XCTestCase {
    func testJira_DataFile_SurvivesRestart() throws {
        let path = temporaryPath("jira.sqlite")
        let configuration = JiraSimulatorConfiguration(user: "admin", password: "secret", dataPath: path)
        let bytes = binaryFixture(count: 5000)
        do {
            let simulator = try JiraSimulator(configuration: configuration)
            try simulator.start()
            defer { simulator.stop() }
            let client = SimClient(base: simulator.baseURL)
            try client.json("POST", "/rest/api/2/issue", ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": "kept"]], expect: 201)
            try client.json("POST", "/rest/api/2/issue/SUP-1/comment", ["body": "also kept"], expect: 201)
            try client.send("POST", "/rest/api/2/issue/SUP-1/transitions", json: ["transition": ["id": "21"]])
            let upload = Multipart.build([MultipartPart(name: "file", filename: "b.bin", contentType: "application/octet-stream", body: bytes)])
            try client.send("POST", "/rest/api/2/issue/SUP-1/attachments", body: upload.body, headers: ["Content-Type": upload.contentType, "X-Atlassian-Token": "no-check"])
        }
        let simulator = try JiraSimulator(configuration: configuration)
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        let issue = try client.json("GET", "/rest/api/2/issue/SUP-1?expand=changelog")
        XCTAssertEqual(issue["fields"]?["summary"], "kept")
        XCTAssertEqual(issue["fields"]?["status"]?["name"], "In Progress")
        XCTAssertEqual(issue["fields"]?["comment"]?["comments"]?[0]?["body"], "also kept")
        XCTAssertEqual(issue["changelog"]?["histories"]?.arrayValue?.count, 2)
        let content = issue["fields"]?["attachment"]?[0]?["content"]?.stringValue ?? ""
        XCTAssertEqual(sha256Hex(try client.send("GET", content).body), sha256Hex(bytes))
        let next = try client.json("POST", "/rest/api/2/issue", ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": "new"]], expect: 201)
        XCTAssertEqual(next["key"], "SUP-2")
    }

    func testServiceNow_DataFile_SurvivesRestart() throws {
        let path = temporaryPath("snow.sqlite")
        let configuration = ServiceNowSimulatorConfiguration(user: "admin", password: "secret", dataPath: path)
        var sysID = ""
        do {
            let simulator = try ServiceNowSimulator(configuration: configuration)
            try simulator.start()
            defer { simulator.stop() }
            let client = SimClient(base: simulator.baseURL)
            sysID = try client.json("POST", "/api/now/table/incident", ["short_description": "kept", "comments": "note"], expect: 201)["result"]?["sys_id"]?.stringValue ?? ""
        }
        let simulator = try ServiceNowSimulator(configuration: configuration)
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        XCTAssertEqual(try client.json("GET", "/api/now/table/incident/\(sysID)")["result"]?["short_description"], "kept")
        XCTAssertEqual(try client.json("GET", "/api/now/table/sys_journal_field?element_id=\(sysID)")["result"]?[0]?["value"], "note")
        XCTAssertEqual(try client.json("GET", "/api/now/table/sys_user?user_name=admin")["result"]?.arrayValue?.count, 1)
        XCTAssertEqual(try client.json("POST", "/api/now/table/incident", ["short_description": "n"], expect: 201)["result"]?["number"], "INC0010002")
    }

    func testCorruptDataFile_FailsToOpenAndIsKept() throws {
        let path = temporaryPath("bad.sqlite")
        let garbage = Data(repeating: 0x42, count: 8192)
        try garbage.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try JiraSimulator(configuration: JiraSimulatorConfiguration(dataPath: path)))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), garbage)
    }
}
