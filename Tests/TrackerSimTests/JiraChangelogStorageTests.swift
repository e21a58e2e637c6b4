@testable import TrackerSim
import TandemJSON
import XCTest

final class JiraChangelogStorageTests: XCTestCase {
    private let configuration = { (path: String) in JiraSimulatorConfiguration(user: "admin", password: "secret", dataPath: path) }

    private func changelogCount(_ client: SimClient) throws -> Int? {
        try client.json("GET", "/rest/api/2/issue/SUP-1?expand=changelog")["changelog"]?["histories"]?.arrayValue?.count
    }

    func testChangelogWrittenInsideTheIssue_IsMovedOutOnOpenAndKeptAfterFurtherEdits() throws {
        let path = temporaryPath("old-jira.sqlite")
        do {
            // A data file written when an issue document carried its whole changelog.
            let store = try SimStore(path: path)
            let item = JiraChangeItem(field: "summary", fieldtype: "jira", fieldId: "summary", from: nil, fromString: "a", to: nil, toString: "b")
            let issue = JiraIssue(id: 10001, key: "SUP-1", projectID: "10000", issueTypeID: "10002", summary: "b", description: nil,
                                  priorityID: "3", statusID: "1", resolutionID: nil, assignee: nil, reporter: "admin", labels: [],
                                  dueDate: nil, created: 1_000, updated: 2_000, customFields: [:],
                                  histories: [JiraHistory(id: 10001, author: "admin", created: 2_000, items: [item]),
                                              JiraHistory(id: 10002, author: "admin", created: 2_000, items: [item])])
            try store.write {
                try store.put("jira.issue", "10001", issue)
                try store.setCounter("jira.issue.id", 10001)
                try store.setCounter("jira.issue.number.SUP", 1)
                try store.setCounter("jira.history", 10002)
            }
        }
        do {
            let simulator = try JiraSimulator(configuration: configuration(path))
            try simulator.start()
            defer { simulator.stop() }
            let client = SimClient(base: simulator.baseURL)
            XCTAssertEqual(try changelogCount(client), 2)
            try client.send("PUT", "/rest/api/2/issue/SUP-1", json: ["fields": ["summary": "c"]])
            XCTAssertEqual(try changelogCount(client), 3)
        }
        let simulator = try JiraSimulator(configuration: configuration(path))
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        XCTAssertEqual(try changelogCount(client), 3)
        let ids = try client.json("GET", "/rest/api/2/issue/SUP-1?expand=changelog")["changelog"]?["histories"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        XCTAssertEqual(ids, ["10001", "10002", "10003"])
    }

    func testDeletedIssue_LeavesNoChangelogBehindAfterRestart() throws {
        let path = temporaryPath("deleted-jira.sqlite")
        do {
            let simulator = try JiraSimulator(configuration: configuration(path))
            try simulator.start()
            defer { simulator.stop() }
            let client = SimClient(base: simulator.baseURL)
            try client.json("POST", "/rest/api/2/issue", ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": "a"]], expect: 201)
            try client.send("PUT", "/rest/api/2/issue/SUP-1", json: ["fields": ["summary": "b"]])
            XCTAssertEqual(try client.send("DELETE", "/rest/api/2/issue/SUP-1").status, 204)
        }
        let store = try SimStore(path: path)
        XCTAssertEqual(try store.all("jira.history", as: JiraStoredHistory.self).count, 0)
    }
}
