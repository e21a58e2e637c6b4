import TandemHTTP
import TandemJSON
import TrackerSim
import XCTest

/// The Jira simulator's Cloud flavour refuses what Jira Cloud refuses, and
/// counts the removed calls in both flavours so tests can assert none is made.
final class JiraCloudSimulatorTests: XCTestCase {
    private var simulator: JiraSimulator!
    private var client: SimClient!

    private func start(_ configure: (inout JiraSimulatorConfiguration) -> Void = { _ in }) throws {
        var configuration = JiraSimulatorConfiguration(user: "admin@example.com", password: "token")
        configuration.flavor = .cloud
        configure(&configuration)
        simulator = try JiraSimulator(configuration: configuration)
        try simulator.start()
        client = SimClient(base: simulator.baseURL, user: "admin@example.com", password: "token")
    }

    override func tearDown() { simulator?.stop() }

    private func createIssue(_ summary: String = "s") throws -> JSON {
        try client.json("POST", "/rest/api/2/issue", ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": .string(summary)]], expect: 201)
    }

    func testServerInfo_SaysCloud() throws {
        try start()
        XCTAssertEqual(try client.json("GET", "/rest/api/2/serverInfo")["deploymentType"], "Cloud")
    }

    func testOldSearch_Answers410AndIsCounted() throws {
        try start()
        for path in ["/rest/api/2/search?jql=project%3DSUP", "/rest/api/3/search?jql=project%3DSUP"] {
            let response = try client.send("GET", path)
            XCTAssertEqual(response.status, 410, path)
            XCTAssertTrue(response.text.contains("migrate to the /rest/api/3/search/jql API"), response.text)
        }
        XCTAssertEqual(simulator.stats.legacySearches, 2)
    }

    func testDataCenter_CountsOldSearchesAndUsernameLookupsItServes() throws {
        let dataCenter = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "admin", password: "secret"))
        try dataCenter.start()
        defer { dataCenter.stop() }
        let dc = SimClient(base: dataCenter.baseURL)
        try dc.json("GET", "/rest/api/2/search?jql=project%3DSUP")
        try dc.json("GET", "/rest/api/2/user/search?username=alice")
        XCTAssertEqual(dataCenter.stats.legacySearches, 1)
        XCTAssertEqual(dataCenter.stats.usernameLookups, 1)
        XCTAssertEqual(try dc.json("GET", "/_sim/stats")["usernameLookups"], 1)
    }

    func testUserSearch_UsernameIs400QueryFindsAccountIds() throws {
        try start()
        XCTAssertEqual(try client.send("GET", "/rest/api/2/user/search?username=alice").status, 400)
        XCTAssertEqual(simulator.stats.usernameLookups, 1)
        let found = try client.json("GET", "/rest/api/2/user/search?query=alice%40example.com")
        XCTAssertEqual(found.arrayValue?.count, 1)
        XCTAssertNil(found[0]?["name"], "Cloud users have no name")
        XCTAssertNotNil(found[0]?["accountId"]?.stringValue)
        XCTAssertEqual(found[0]?["emailAddress"], "alice@example.com")
    }

    func testHiddenEmails_AreLeftOutButStillSearchable() throws {
        try start { $0.hideEmails = true }
        let found = try client.json("GET", "/rest/api/2/user/search?query=alice%40example.com")
        XCTAssertEqual(found.arrayValue?.count, 1)
        XCTAssertNil(found[0]?["emailAddress"])
    }

    func testAssigneeByName_IsRefusedByAccountIdAccepted() throws {
        try start()
        let issue = try createIssue()
        let key = try XCTUnwrap(issue["key"]?.stringValue)
        let byName = try client.send("PUT", "/rest/api/2/issue/\(key)", json: ["fields": ["assignee": ["name": "alice"]]])
        XCTAssertEqual(byName.status, 400)
        let account = try XCTUnwrap(client.json("GET", "/rest/api/2/user/search?query=alice")[0]?["accountId"])
        try client.send("PUT", "/rest/api/2/issue/\(key)", json: ["fields": ["assignee": ["accountId": account]]])
        XCTAssertEqual(try client.json("GET", "/rest/api/2/issue/\(key)")["fields"]?["assignee"]?["accountId"], account)
    }

    func testAttachmentContent_Redirects303ToTheSameHostUnlessRedirectFalse() throws {
        try start()
        let key = try XCTUnwrap(createIssue()["key"]?.stringValue)
        let multipart = "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B--\r\n"
        let uploaded = try client.send("POST", "/rest/api/2/issue/\(key)/attachments", body: Array(multipart.utf8),
                                       headers: ["X-Atlassian-Token": "no-check", "Content-Type": "multipart/form-data; boundary=B"])
        let meta = try JSON(parsing: uploaded.body)[0]
        let content = try XCTUnwrap(meta?["content"]?.stringValue)
        XCTAssertTrue(content.hasSuffix("/rest/api/2/attachment/content/\(meta?["id"]?.stringValue ?? "")"), content)

        let redirect = try client.send("GET", content)
        XCTAssertEqual(redirect.status, 303)
        let location = try XCTUnwrap(redirect.headers["Location"])
        XCTAssertTrue(location.hasPrefix(simulator.baseURL + "/"), location)
        XCTAssertEqual(try client.send("GET", location).body, Array("hello".utf8))
        XCTAssertEqual(try client.send("GET", content + "?redirect=false").body, Array("hello".utf8))
    }

    func testCreateScreenWithoutLabels_RefusesLabelsButKeepsProperties() throws {
        try start { $0.labelsOnCreateScreen = false }
        let refused = try client.send("POST", "/rest/api/2/issue", json: ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Task"],
                                                                                     "summary": "s", "labels": ["x"]]])
        XCTAssertEqual(refused.status, 400)
        XCTAssertTrue(refused.text.contains("Field 'labels' cannot be set"), refused.text)
        let created = try client.json("POST", "/rest/api/2/issue", ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": "s"],
                                                                    "properties": [["key": "tandem.correlation", "value": ["id": "c1"]]]], expect: 201)
        let key = try XCTUnwrap(created["key"]?.stringValue)
        XCTAssertEqual(try client.json("GET", "/rest/api/2/issue/\(key)/properties/tandem.correlation")["value"], ["id": "c1"])
        let page = try client.json("GET", "/rest/api/2/search/jql?jql=project%3DSUP&properties=tandem.correlation")
        XCTAssertEqual(page["issues"]?[0]?["properties"]?["tandem.correlation"], ["id": "c1"])
    }

    func testCommentWithTheInternalProperty_IsNotJsdPublic() throws {
        try start()
        let key = try XCTUnwrap(createIssue()["key"]?.stringValue)
        let internalNote = try client.json("POST", "/rest/api/2/issue/\(key)/comment",
                                           ["body": "agents only", "properties": [["key": "sd.public.comment", "value": ["internal": true]]]], expect: 201)
        let reply = try client.json("POST", "/rest/api/2/issue/\(key)/comment", ["body": "hello"], expect: 201)
        XCTAssertEqual(internalNote["jsdPublic"], false)
        XCTAssertEqual(reply["jsdPublic"], true)
    }

    func testSearchLag_FreshIssuesAreLeftOutOfSearchJqlUnlessReconciled() throws {
        try start { $0.searchLagMilliseconds = 60_000 }
        let id = try XCTUnwrap(createIssue()["id"]?.stringValue)
        XCTAssertEqual(try client.json("GET", "/rest/api/2/search/jql?jql=project%3DSUP")["issues"]?.arrayValue?.count, 0)
        let reconciled = try client.json("GET", "/rest/api/2/search/jql?jql=project%3DSUP&reconcileIssues=\(id)")
        XCTAssertEqual(reconciled["issues"]?[0]?["id"]?.stringValue, id)
        XCTAssertEqual(try client.send("GET", "/rest/api/2/search/jql?jql=project%3DSUP&reconcileIssues=SUP-1").status, 400)
    }
}
