import Foundation
import PluginKit
import TandemJSON
import TestSupport
import TrackerSim
import XCTest

/// `get` with `"authors": true`: which fields the connector's own account
/// changed last, read from the issue's changelog. The node asks it only when
/// it re-reads an issue an interrupted apply was writing (docs/conflicts.md).
final class JiraChangedByConnectorTests: XCTestCase {
    private static let person = SimAccount(user: "alice", password: "alice-pw")
    private static let cloudPerson = SimAccount(user: "alice@example.com", password: "alice-pw")

    private func side(_ tracker: TrackerSide.Tracker) throws -> TrackerSide {
        try TrackerSide(tracker, jira: { $0.accounts = [tracker == .jiraCloud ? Self.cloudPerson : Self.person] })
    }

    /// A person at the simulator, signed in as their own account.
    private func person(_ side: TrackerSide) -> TrackerClient {
        let account = side.tracker == .jiraCloud ? Self.cloudPerson : Self.person
        return TrackerClient(baseURL: side.baseURL, user: account.user, password: account.password)
    }

    private func changedByConnector(_ side: TrackerSide, _ id: String) throws -> JSON? {
        try side.call("get", ["id": .string(id), "authors": true])["changedByConnector"]
    }

    func testGetWithAuthors_ReportsAStatusTheConnectorsOwnTransitionSet() throws {
        let jira = try side(.jira)
        let id = try jira.createEntity("Walked by the node")
        try jira.call("update", ["id": .string(id), "fields": ["status": "In Progress"]])
        XCTAssertEqual(try changedByConnector(jira, id), ["status"])
    }

    func testGetWithAuthors_DoesNotReportAStatusAPersonTransitionedSince() throws {
        let jira = try side(.jira)
        let id = try jira.createEntity("Finished by a person")
        try jira.call("update", ["id": .string(id), "fields": ["status": "In Progress", "summary": "renamed by the node"]])
        let key = try XCTUnwrap(jira.call("get", ["id": .string(id)])["key"]?.stringValue)
        try person(jira).transitionIssue(key, to: "Done")
        let reported = try XCTUnwrap(changedByConnector(jira, id)?.arrayValue)
        XCTAssertFalse(reported.contains("status"), "\(reported)")
        XCTAssertTrue(reported.contains("summary"), "the node's own edit of another field stays reported: \(reported)")
    }

    /// Cloud names the author by accountId, hiding the login: the connector
    /// knows its own one from `/myself`, as for its webhooks.
    func testGetWithAuthors_OnCloud_KnowsItsOwnAccountByAccountId() throws {
        let jira = try side(.jiraCloud)
        let id = try jira.createEntity("Cloud issue")
        try jira.call("update", ["id": .string(id), "fields": ["status": "In Progress"]])
        XCTAssertEqual(try changedByConnector(jira, id), ["status"])
        let key = try XCTUnwrap(jira.call("get", ["id": .string(id)])["key"]?.stringValue)
        try person(jira).transitionIssue(key, to: "Done")
        XCTAssertEqual(try changedByConnector(jira, id)?.arrayValue?.contains("status"), false)
    }

    func testGetWithoutAuthors_ReportsNothingAndStaysOneRequest() throws {
        let jira = try side(.jira)
        let id = try jira.createEntity("Plain read")
        try jira.call("update", ["id": .string(id), "fields": ["status": "In Progress"]])
        let before = jira.http.requestCount
        let entity = try jira.call("get", ["id": .string(id)])
        XCTAssertEqual(jira.http.requestCount - before, 1)
        XCTAssertNil(entity["changedByConnector"])
    }
}
