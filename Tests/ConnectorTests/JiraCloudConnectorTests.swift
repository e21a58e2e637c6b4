import Foundation
import NodeHost
import TandemHTTP
import TandemJSON
import TestSupport
import TrackerSim
import XCTest

/// The JiraLike plugin against the simulator's Cloud flavour: token-paged
/// search, users by accountId, attachment downloads, and never a call Cloud
/// has removed (`/search`, `username=`), which the simulator counts.
final class JiraCloudConnectorTests: XCTestCase {
    private var jira: TrackerSide!

    override func setUpWithError() throws { jira = try TrackerSide(.jiraCloud) }
    override func tearDown() { jira = nil }

    /// The accountId the simulator gives `name`.
    private func accountID(of email: String) throws -> String {
        try XCTUnwrap(jira.call("user.find", ["email": .string(email)])["id"]?.stringValue)
    }

    func testEveryOperation_MakesNoRemovedSearchAndNoUsernameLookup() throws {
        let id = try jira.createEntity("all of it", extra: ["assignee": "alice@example.com"])
        try jira.call("update", ["id": .string(id), "fields": ["assignee": ["email": "bob@example.com"], "status": "In Progress"]])
        try jira.call("comment.add", ["id": .string(id), "body": "note", "internal": true])
        let put = try jira.call("attachment.put", ["id": .string(id), "filename": "a.txt", "mimeType": "text/plain"], blob: Array("x".utf8))
        _ = try jira.instance.call("attachment.get", ["id": .string(id), "attachmentId": put["id"]!])
        _ = try jira.call("get", ["id": .string(id)])
        _ = try jira.call("search", ["cursor": nil])
        _ = jira.failure("lookup", ["correlationId": "absent"])
        _ = try jira.call("user.find", ["email": "alice@example.com"])

        XCTAssertEqual(jira.stats().legacySearches, 0)
        XCTAssertEqual(jira.stats().usernameLookups, 0)
    }

    func testUserFind_AnswersTheAccountIdNotAName() throws {
        let user = try jira.call("user.find", ["email": "Alice@Example.com"])
        XCTAssertTrue(user["id"]?.stringValue?.hasPrefix("5b10a") ?? false, user.text)
        XCTAssertEqual(user["email"], "alice@example.com")
        XCTAssertEqual(user["name"], "Alice")
    }

    func testUpdate_AssigneeByEmailIsWrittenAsTheAccountId() throws {
        let id = try jira.createEntity("owned")
        try jira.call("update", ["id": .string(id), "fields": ["assignee": "bob@example.com"]])
        let assignee = try XCTUnwrap(jira.call("get", ["id": .string(id)])["fields"]?["assignee"])
        XCTAssertEqual(assignee["id"]?.stringValue, try accountID(of: "bob@example.com"))
        XCTAssertEqual(assignee["email"], "bob@example.com")
    }

    func testUserFind_HiddenEmailIsNotFoundNamingTheUserMap() throws {
        let hidden = try TrackerSide(.jiraCloud, jira: { $0.hideEmails = true })
        let error = hidden.failure("user.find", ["email": "alice@example.com"])
        XCTAssertEqual(error?.kind, .notFound)
        XCTAssertTrue(error?.message.contains("userMap") ?? false, error?.message ?? "")
    }

    func testUserMap_FindsAndNamesUsersWhoseEmailIsHidden() throws {
        let visible = try accountID(of: "alice@example.com")
        let folder = TemporaryDirectory()
        let map = folder.path + "/users.json"
        try Data(#"{"Alice@example.com": "\#(visible)"}"#.utf8).write(to: URL(fileURLWithPath: map))
        let hidden = try TrackerSide(.jiraCloud, configure: { $0["userMap"] = .string(map) }, jira: { $0.hideEmails = true })

        XCTAssertEqual(try hidden.call("user.find", ["email": "alice@example.com"])["id"]?.stringValue, visible)
        let id = try hidden.createEntity("mapped", extra: ["assignee": "alice@example.com"])
        let assignee = try XCTUnwrap(hidden.call("get", ["id": .string(id)])["fields"]?["assignee"])
        XCTAssertEqual(assignee["id"]?.stringValue, visible)
        XCTAssertEqual(assignee["email"], "alice@example.com", "the e-mail Jira hides comes from the map")
    }

    func testUserMap_UnreadableFileRefusesTheInstance() {
        XCTAssertThrowsError(try TrackerSide(.jiraCloud) { $0["userMap"] = "/nonexistent/users.json" }) { error in
            XCTAssertEqual((error as? PluginCallError)?.kind, .invalid)
            XCTAssertTrue((error as? PluginCallError)?.message.contains("userMap") ?? false, "\(error)")
        }
    }

    func testAttachment_BytesComeBackThroughTheCloudContentEndpoint() throws {
        let id = try jira.createEntity("files")
        let bytes = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let put = try jira.call("attachment.put", ["id": .string(id), "filename": "dump.bin", "mimeType": "application/octet-stream"], blob: bytes)
        let got = try jira.instance.call("attachment.get", ["id": .string(id), "attachmentId": put["id"]!])
        XCTAssertEqual(got.blob, bytes)
    }

    func testSearch_PagesWithTokensPastOnePage() throws {
        var ids: [String] = []
        for number in 0..<105 { ids.append(try jira.createEntity("bulk \(number)")) }
        let answer = try jira.call("search", ["cursor": nil])
        XCTAssertEqual(answer["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, ids)
        XCTAssertEqual(try jira.call("search", ["cursor": nil, "limit": 7])["refs"]?.arrayValue?.count, 7)
    }

    func testSearch_SeesItsOwnFreshWritesThroughReconcileIssues() throws {
        let lagging = try TrackerSide(.jiraCloud, jira: { $0.searchLagMilliseconds = 60_000 })
        let mine = try lagging.createEntity("written by the connector")
        let someoneElses = try HTTPClient().send(HTTPClientRequest(
            method: "POST", url: lagging.baseURL + "/rest/api/2/issue",
            headers: ["Authorization": "Basic " + Data("\(TrackerSide.cloudUser):\(TrackerSide.password)".utf8).base64EncodedString(),
                      "Content-Type": "application/json", "Accept": "application/json"],
            body: Array(#"{"fields":{"project":{"key":"SUP"},"issuetype":{"name":"Task"},"summary":"not indexed yet"}}"#.utf8),
            timeoutSeconds: 10))
        XCTAssertEqual(someoneElses.status, 201)
        let found = try lagging.call("search", ["cursor": nil])["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        XCTAssertEqual(found, [mine], "Cloud's index lags; the connector's own write is reconciled, the other comes with a later poll")
    }

    func testSearch_CursorFindsAChangeWithinTheOverlap() throws {
        let id = try jira.createEntity("watched")
        let cursor = try XCTUnwrap(jira.call("search", ["cursor": nil])["cursor"])
        try jira.call("update", ["id": .string(id), "fields": ["summary": "changed"]])
        let again = try jira.call("search", ["cursor": cursor, "overlapSeconds": 60])
        XCTAssertEqual(again["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, [id])
    }

    func testWebhook_OwnWriteIsFlaggedByTheAccountIdOfMyself() throws {
        let receiver = try WebhookReceiver()
        jira.addWebhook(receiver.url)
        _ = try jira.createEntity("hooked")
        let delivery = receiver.deliveries(count: 1)[0]
        let event = try XCTUnwrap(jira.call("webhook.parse", ["headers": .object(delivery.headers.mapValues(JSON.string)),
                                                                "body": .string(delivery.body)])["events"]?[0])
        XCTAssertEqual(event["byIntegrationUser"], true)
        XCTAssertEqual(event["actor"]?["id"]?.stringValue, try accountID(of: TrackerSide.cloudUser))
    }

    func testDeployment_UnknownValueRefusesTheInstance() {
        XCTAssertThrowsError(try TrackerSide(.jiraCloud) { $0["deployment"] = "onprem" }) { error in
            XCTAssertEqual((error as? PluginCallError)?.message, "configuration key 'deployment' must be 'cloud' or 'datacenter', not 'onprem'")
        }
    }
}

/// What both Jira flavours must do alike: internal comments stay internal, and
/// the correlation id survives a create screen without labels.
final class JiraFlavoursConnectorTests: XCTestCase {
    private let flavours: [TrackerSide.Tracker] = [.jira, .jiraCloud]

    func testCommentAdd_InternalStaysInternalAndPublicStaysPublic() throws {
        for flavour in flavours {
            let jira = try TrackerSide(flavour)
            let id = try jira.createEntity("notes")
            let note = try jira.call("comment.add", ["id": .string(id), "body": "for agents", "internal": true])["id"]
            let reply = try jira.call("comment.add", ["id": .string(id), "body": "for the customer", "internal": false])["id"]
            let comments = try XCTUnwrap(jira.call("get", ["id": .string(id)])["comments"]?.arrayValue)
            XCTAssertEqual(comments.first { $0["id"] == note }?["internal"], true, "\(flavour)")
            XCTAssertEqual(comments.first { $0["id"] == reply }?["internal"], false, "\(flavour)")
        }
    }

    func testCreate_WithoutLabelsOnTheCreateScreenStillSucceedsAndLookupFindsIt() throws {
        for flavour in flavours {
            let jira = try TrackerSide(flavour, jira: { $0.labelsOnCreateScreen = false })
            _ = try jira.createEntity("someone else's")
            let created = try jira.call("create", ["fields": ["summary": "mine"], "correlationId": "c0ffee-2"])
            _ = try jira.createEntity("later")
            let found = try jira.call("lookup", ["correlationId": "c0ffee-2"])
            XCTAssertEqual(found["id"], created["id"], "\(flavour)")
            XCTAssertEqual(found["key"], created["key"], "\(flavour)")
            XCTAssertEqual(jira.failure("lookup", ["correlationId": "c0ffee-3"])?.kind, .notFound, "\(flavour)")
            XCTAssertTrue(jira.logLines.contains { $0.contains("lacks labels") }, "\(flavour)")
        }
    }

    func testContractOperations_BehaveAlikeOnBothFlavours() throws {
        for flavour in flavours {
            let jira = try TrackerSide(flavour)
            let created = try jira.call("create", ["fields": ["summary": "alike", "priority": "High", "status": "In Progress",
                                                              "assignee": "alice@example.com"], "correlationId": "same-1"])
            let id = try XCTUnwrap(created["id"]?.stringValue)
            XCTAssertEqual(created["key"], "SUP-1", "\(flavour)")
            XCTAssertEqual(try jira.call("get", ["key": "SUP-1"])["id"]?.stringValue, id, "\(flavour)")
            XCTAssertEqual(try jira.call("lookup", ["correlationId": "same-1"])["id"]?.stringValue, id, "\(flavour)")

            try jira.call("update", ["id": .string(id), "fields": ["summary": "alike, edited", "status": "Done", "assignee": nil]])
            let commentID = try jira.call("comment.add", ["id": .string(id), "body": "said"])["id"]
            let bytes = Array("same bytes".utf8)
            let put = try jira.call("attachment.put", ["id": .string(id), "filename": "s.txt", "mimeType": "text/plain"], blob: bytes)

            let entity = try jira.call("get", ["id": .string(id)])
            XCTAssertEqual(entity["fields"]?["summary"], "alike, edited", "\(flavour)")
            XCTAssertEqual(entity["fields"]?["status"]?["name"], "Done", "\(flavour)")
            XCTAssertEqual(entity["fields"]?["priority"]?["name"], "High", "\(flavour)")
            XCTAssertEqual(entity["fields"]?["assignee"], .null, "\(flavour)")
            XCTAssertEqual(entity["comments"]?[0]?["id"], commentID, "\(flavour)")
            XCTAssertEqual(entity["comments"]?[0]?["internal"], false, "\(flavour)")
            XCTAssertEqual(try jira.instance.call("attachment.get", ["id": .string(id), "attachmentId": put["id"]!]).blob, bytes, "\(flavour)")
            XCTAssertEqual(jira.failure("update", ["id": .string(id), "fields": ["assignee": "ghost@example.com"]])?.kind, .notFound, "\(flavour)")
            XCTAssertEqual(jira.failure("get", ["id": "99999"])?.kind, .notFound, "\(flavour)")
        }
    }

    func testCreate_LaterCreatesSkipTheRefusedLabel() throws {
        let jira = try TrackerSide(.jira, jira: { $0.labelsOnCreateScreen = false })
        _ = try jira.call("create", ["fields": ["summary": "first"], "correlationId": "a-1"])
        let before = jira.http.requestCount
        _ = try jira.call("create", ["fields": ["summary": "second"], "correlationId": "a-2"])
        XCTAssertEqual(jira.http.requestCount - before, 1)
    }
}
