import Foundation
import TandemHTTP
import TandemJSON
import TrackerSim
import XCTest

final class JiraSimulatorTests: XCTestCase {
    private var simulator: JiraSimulator!
    private var client: SimClient!

    override func setUpWithError() throws {
        simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "admin", password: "secret"))
        try simulator.start()
        client = SimClient(base: simulator.baseURL)
    }

    override func tearDown() {
        simulator.stop()
    }

    @discardableResult
    private func createIssue(_ summary: String = "Printer on fire", extra: [String: JSON] = [:]) throws -> JSON {
        var fields: [String: JSON] = ["project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": .string(summary)]
        fields.merge(extra) { _, new in new }
        return try client.json("POST", "/rest/api/2/issue", ["fields": .object(fields)], expect: 201)
    }

    // MARK: - Auth and metadata

    func testServerInfo_Anonymous_HasVersionNumbers() throws {
        var anonymous = client!
        anonymous.authorization = nil
        let info = try anonymous.json("GET", "/rest/api/2/serverInfo")
        XCTAssertEqual(info["versionNumbers"], [9, 12, 0])
        XCTAssertEqual(info["deploymentType"], "Server")
    }

    func testMissingCredentials_Gets401WithJiraEnvelope() throws {
        var anonymous = client!
        anonymous.authorization = nil
        let response = try anonymous.send("GET", "/rest/api/2/myself")
        XCTAssertEqual(response.status, 401)
        let body = try JSON(parsing: response.body)
        XCTAssertEqual(body["errorMessages"]?[0]?.stringValue?.contains("not authenticated"), true)
        XCTAssertEqual(body["errors"], .object([:]))
    }

    func testWrongPassword_Gets401() throws {
        let response = try SimClient(base: simulator.baseURL, user: "admin", password: "nope").send("GET", "/rest/api/2/myself")
        XCTAssertEqual(response.status, 401)
    }

    func testBearerToken_Authenticates() throws {
        var bearer = client!
        bearer.authorization = "Bearer secret"
        XCTAssertEqual(try bearer.json("GET", "/rest/api/2/myself")["name"], "admin")
    }

    func testMyself_IsTheAccountWithSelfLink() throws {
        let me = try client.json("GET", "/rest/api/latest/myself")
        XCTAssertEqual(me["name"], "admin")
        XCTAssertEqual(me["timeZone"], "UTC")
        XCTAssertEqual(try client.json("GET", me["self"]!.stringValue!)["name"], "admin")
    }

    func testFields_IncludeClauseNamesAndRemoteKey() throws {
        let fields = try client.json("GET", "/rest/api/2/field").arrayValue ?? []
        XCTAssertTrue(fields.allSatisfy { $0["clauseNames"]?.arrayValue != nil })
        let remote = fields.first { $0["id"] == "customfield_10010" }
        XCTAssertEqual(remote?["clauseNames"], ["cf[10010]", "Remote Key"])
    }

    func testMetadataLists_ServeStatusesPrioritiesTypesResolutions() throws {
        XCTAssertEqual(try client.json("GET", "/rest/api/2/status").arrayValue?.compactMap { $0["name"]?.stringValue }, ["To Do", "In Progress", "Done"])
        XCTAssertEqual(try client.json("GET", "/rest/api/2/issuetype").arrayValue?.compactMap { $0["name"]?.stringValue }, ["Task", "Bug"])
        XCTAssertEqual(try client.json("GET", "/rest/api/2/priority").arrayValue?.count, 5)
        XCTAssertEqual(try client.json("GET", "/rest/api/2/resolution").arrayValue?.first?["name"], "Done")
    }

    func testProject_ByKeyWithIssueTypes() throws {
        let project = try client.json("GET", "/rest/api/2/project/SUP?expand=issueTypes")
        XCTAssertEqual(project["id"], "10000")
        XCTAssertEqual(project["issueTypes"]?.arrayValue?.count, 2)
        XCTAssertEqual(try client.send("GET", "/rest/api/2/project/NOPE").status, 404)
    }

    func testUnknownPath_Gets404JiraEnvelope() throws {
        let response = try client.send("GET", "/rest/api/2/nothing-here")
        XCTAssertEqual(response.status, 404)
        XCTAssertNotNil(try JSON(parsing: response.body)["errorMessages"]?.arrayValue)
    }

    func testWrongMethod_Gets405JiraEnvelopeWithAllow() throws {
        let response = try client.send("PATCH", "/rest/api/2/myself")
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.headers["Allow"], "GET")
        XCTAssertNotNil(try JSON(parsing: response.body)["errorMessages"]?.arrayValue)
    }

    // MARK: - Issues

    func testCreate_Returns201WithIdKeySelf() throws {
        let created = try createIssue()
        XCTAssertEqual(created["key"], "SUP-1")
        XCTAssertEqual(created["id"], "10001")
        XCTAssertEqual(created["self"]?.stringValue, "\(simulator.baseURL)/rest/api/2/issue/10001")
    }

    func testCreate_MissingSummaryAndBadType_Gets400WithFieldErrors() throws {
        let response = try client.send("POST", "/rest/api/2/issue", json: ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Epic"]]])
        XCTAssertEqual(response.status, 400)
        let errors = try JSON(parsing: response.body)["errors"]
        XCTAssertEqual(errors?["summary"], "You must specify a summary of the issue.")
        XCTAssertEqual(errors?["issuetype"], "valid issue type is required")
    }

    func testCreate_InvalidJSON_Gets400Envelope() throws {
        let response = try client.send("POST", "/rest/api/2/issue", body: Array("{nope".utf8), headers: ["Content-Type": "application/json"])
        XCTAssertEqual(response.status, 400)
        XCTAssertNotNil(try JSON(parsing: response.body)["errorMessages"]?[0])
    }

    func testGet_ByKeyOrId_AllFields() throws {
        try createIssue(extra: ["labels": ["x"], "customfield_10010": "REM-1", "priority": ["name": "High"]])
        let issue = try client.json("GET", "/rest/api/2/issue/SUP-1")
        XCTAssertEqual(issue["fields"]?["labels"], ["x"])
        XCTAssertEqual(issue["fields"]?["customfield_10010"], "REM-1")
        XCTAssertEqual(issue["fields"]?["priority"]?["name"], "High")
        XCTAssertEqual(issue["fields"]?["status"]?["statusCategory"]?["key"], "new")
        XCTAssertEqual(try client.json("GET", "/rest/api/2/issue/10001")["key"], "SUP-1")
    }

    func testGet_DatesUseJiraFormat() throws {
        try createIssue()
        let updated = try client.json("GET", "/rest/api/2/issue/SUP-1")["fields"]?["updated"]?.stringValue ?? ""
        XCTAssertNotNil(updated.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$"#, options: .regularExpression), updated)
    }

    func testGet_FieldsParameter_LimitsAndExcludes() throws {
        try createIssue()
        let some = try client.json("GET", "/rest/api/2/issue/SUP-1?fields=summary,status")
        XCTAssertEqual(some["fields"]?.objectValue?.keys.sorted(), ["status", "summary"])
        let most = try client.json("GET", "/rest/api/2/issue/SUP-1?fields=*all,-comment")
        XCTAssertNil(most["fields"]?["comment"])
        XCTAssertNotNil(most["fields"]?["summary"])
    }

    func testGet_Missing_Gets404Envelope() throws {
        let response = try client.send("GET", "/rest/api/2/issue/SUP-99")
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(try JSON(parsing: response.body)["errorMessages"], ["Issue does not exist or you do not have permission to see it."])
    }

    func testEdit_Returns204AndRecordsChangelog() throws {
        try createIssue()
        XCTAssertEqual(try client.send("PUT", "/rest/api/2/issue/SUP-1", json: ["fields": ["summary": "Printer fixed"], "update": [:]]).status, 204)
        let issue = try client.json("GET", "/rest/api/2/issue/SUP-1?expand=changelog")
        XCTAssertEqual(issue["fields"]?["summary"], "Printer fixed")
        let item = issue["changelog"]?["histories"]?[0]?["items"]?[0]
        XCTAssertEqual(item?["field"], "summary")
        XCTAssertEqual(item?["fromString"], "Printer on fire")
        XCTAssertEqual(item?["toString"], "Printer fixed")
    }

    func testEdit_UpdateOperations_AddAndRemoveLabels() throws {
        try createIssue(extra: ["labels": ["a", "b"]])
        try client.send("PUT", "/rest/api/2/issue/SUP-1", json: ["update": ["labels": [["add": "c"], ["remove": "a"]]]])
        XCTAssertEqual(try client.json("GET", "/rest/api/2/issue/SUP-1")["fields"]?["labels"], ["b", "c"])
    }

    func testEdit_SameFieldInFieldsAndUpdate_Gets400() throws {
        try createIssue()
        let response = try client.send("PUT", "/rest/api/2/issue/SUP-1", json: ["fields": ["labels": ["a"]], "update": ["labels": [["add": "b"]]]])
        XCTAssertEqual(response.status, 400)
        XCTAssertNotNil(try JSON(parsing: response.body)["errors"]?["labels"])
    }

    func testEdit_OneBadField_ChangesNothing() throws {
        try createIssue()
        let response = try client.send("PUT", "/rest/api/2/issue/SUP-1", json: ["fields": ["summary": "new", "priority": ["name": "Urgentest"]]])
        XCTAssertEqual(response.status, 400)
        let issue = try client.json("GET", "/rest/api/2/issue/SUP-1?expand=changelog")
        XCTAssertEqual(issue["fields"]?["summary"], "Printer on fire")
        XCTAssertEqual(issue["changelog"]?["total"], 0)
    }

    func testEdit_UnknownField_Gets400() throws {
        try createIssue()
        XCTAssertEqual(try client.send("PUT", "/rest/api/2/issue/SUP-1", json: ["fields": ["colour": "red"]]).status, 400)
    }

    func testDelete_Returns204ThenIssueIsGone() throws {
        try createIssue()
        XCTAssertEqual(try client.send("DELETE", "/rest/api/2/issue/SUP-1").status, 204)
        XCTAssertEqual(try client.send("GET", "/rest/api/2/issue/SUP-1").status, 404)
    }

    func testAssignee_SetByNameAndCleared() throws {
        try createIssue()
        XCTAssertEqual(try client.send("PUT", "/rest/api/latest/issue/SUP-1/assignee", json: ["name": "alice"]).status, 204)
        XCTAssertEqual(try client.json("GET", "/rest/api/2/issue/SUP-1")["fields"]?["assignee"]?["name"], "alice")
        try client.send("PUT", "/rest/api/2/issue/SUP-1/assignee", json: ["name": nil])
        XCTAssertEqual(try client.json("GET", "/rest/api/2/issue/SUP-1")["fields"]?["assignee"], JSON.null)
    }

    func testAssignee_UnknownUser_Gets400() throws {
        try createIssue()
        XCTAssertEqual(try client.send("PUT", "/rest/api/2/issue/SUP-1/assignee", json: ["name": "mallory"]).status, 400)
    }

    func testUserSearch_ReturnsBareArray() throws {
        let users = try client.json("GET", "/rest/api/2/user/search?username=ali")
        XCTAssertEqual(users.arrayValue?.compactMap { $0["name"]?.stringValue }, ["alice"])
        XCTAssertEqual(try client.json("GET", "/rest/api/2/user?username=bob")["displayName"], "Bob")
        XCTAssertEqual(try client.send("GET", "/rest/api/2/user?username=nobody").status, 404)
    }

    // MARK: - Workflow

    func testTransitions_FromToDo_OfferOnlyInProgress() throws {
        try createIssue()
        let transitions = try client.json("GET", "/rest/api/2/issue/SUP-1/transitions")["transitions"]?.arrayValue ?? []
        XCTAssertEqual(transitions.compactMap { $0["name"]?.stringValue }, ["In Progress"])
        XCTAssertEqual(transitions.first?["to"]?["name"], "In Progress")
    }

    func testTransition_NumericIdAndComment_MovesStatusAndResolves() throws {
        try createIssue()
        XCTAssertEqual(try client.send("POST", "/rest/api/2/issue/SUP-1/transitions", json: ["transition": ["id": "21"]]).status, 204)
        XCTAssertEqual(try client.send("POST", "/rest/api/2/issue/SUP-1/transitions",
                                       json: ["transition": ["id": 31], "update": ["comment": [["add": ["body": "done"]]]]]).status, 204)
        let issue = try client.json("GET", "/rest/api/2/issue/SUP-1")
        XCTAssertEqual(issue["fields"]?["status"]?["name"], "Done")
        XCTAssertEqual(issue["fields"]?["resolution"]?["name"], "Done")
        XCTAssertEqual(issue["fields"]?["comment"]?["comments"]?[0]?["body"], "done")
    }

    func testTransition_NotAvailableFromCurrentStatus_Gets400() throws {
        try createIssue()
        let response = try client.send("POST", "/rest/api/2/issue/SUP-1/transitions", json: ["transition": ["id": "31"]])
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(try client.json("GET", "/rest/api/2/issue/SUP-1")["fields"]?["status"]?["name"], "To Do")
    }

    // MARK: - Comments

    func testComments_CreateReadUpdateDelete() throws {
        try createIssue()
        let created = try client.json("POST", "/rest/api/2/issue/SUP-1/comment", ["body": "first"], expect: 201)
        let id = created["id"]?.stringValue ?? ""
        XCTAssertEqual(created["author"]?["name"], "admin")
        XCTAssertEqual(try client.json("GET", created["self"]!.stringValue!)["body"], "first")
        XCTAssertEqual(try client.json("PUT", "/rest/api/2/issue/SUP-1/comment/\(id)", ["body": "edited"])["body"], "edited")
        XCTAssertEqual(try client.send("DELETE", "/rest/api/2/issue/SUP-1/comment/\(id)").status, 204)
        XCTAssertEqual(try client.send("GET", "/rest/api/2/issue/SUP-1/comment/\(id)").status, 404)
    }

    func testComments_ListPagesWithStartAtAndTotal() throws {
        try createIssue()
        for number in 1...5 { try client.json("POST", "/rest/api/2/issue/SUP-1/comment", ["body": .string("c\(number)")], expect: 201) }
        let page = try client.json("GET", "/rest/api/2/issue/SUP-1/comment?startAt=2&maxResults=2")
        XCTAssertEqual(page["total"], 5)
        XCTAssertEqual(page["maxResults"], 2)
        XCTAssertEqual(page["comments"]?.arrayValue?.compactMap { $0["body"]?.stringValue }, ["c3", "c4"])
    }

    func testComment_EmptyBody_Gets400() throws {
        try createIssue()
        XCTAssertEqual(try client.send("POST", "/rest/api/2/issue/SUP-1/comment", json: ["body": "  "]).status, 400)
    }

    // MARK: - Attachments

    private func upload(_ bytes: [UInt8], name: String = "dump.bin", xsrf: Bool = true) throws -> HTTPClientResponse {
        let (body, contentType) = Multipart.build([MultipartPart(name: "file", filename: name, contentType: "application/octet-stream", body: bytes)])
        var headers: HTTPHeaders = ["Content-Type": contentType]
        if xsrf { headers["X-Atlassian-Token"] = "no-check" }
        return try client.send("POST", "/rest/api/2/issue/SUP-1/attachments", body: body, headers: headers)
    }

    func testAttachment_BinaryRoundTripsExactly() throws {
        try createIssue()
        let bytes = binaryFixture()
        let response = try upload(bytes)
        XCTAssertEqual(response.status, 200, response.text)
        let meta = try JSON(parsing: response.body)[0]
        XCTAssertEqual(meta?["size"]?.intValue, bytes.count)
        XCTAssertEqual(meta?["filename"], "dump.bin")
        let content = try client.send("GET", meta?["content"]?.stringValue ?? "", headers: ["Accept": "*/*"])
        XCTAssertEqual(content.status, 200)
        XCTAssertEqual(sha256Hex(content.body), sha256Hex(bytes))
    }

    func testAttachment_MetadataAndDelete() throws {
        try createIssue()
        let meta = try JSON(parsing: try upload([1, 2, 3]).body)[0]
        let url = meta?["self"]?.stringValue ?? ""
        XCTAssertEqual(try client.json("GET", url)["size"], 3)
        XCTAssertEqual(try client.json("GET", "/rest/api/2/issue/SUP-1")["fields"]?["attachment"]?.arrayValue?.count, 1)
        XCTAssertEqual(try client.send("DELETE", url).status, 204)
        XCTAssertEqual(try client.send("GET", url).status, 404)
    }

    func testAttachment_WithoutXSRFHeader_Gets403() throws {
        try createIssue()
        let response = try upload([1], xsrf: false)
        XCTAssertEqual(response.status, 403)
        XCTAssertEqual(try JSON(parsing: response.body)["errorMessages"], ["XSRF check failed"])
    }

    func testAttachment_OverLimit_Gets413() throws {
        simulator.stop()
        var configuration = JiraSimulatorConfiguration(user: "admin", password: "secret")
        configuration.maxAttachmentBytes = 1000
        simulator = try JiraSimulator(configuration: configuration)
        try simulator.start()
        client = SimClient(base: simulator.baseURL)
        try createIssue()
        XCTAssertEqual(try upload(Array(repeating: 7, count: 1001)).status, 413)
    }

    func testAttachment_AddsChangelogItem() throws {
        try createIssue()
        _ = try upload([9], name: "a.txt")
        let item = try client.json("GET", "/rest/api/2/issue/SUP-1?expand=changelog")["changelog"]?["histories"]?[0]?["items"]?[0]
        XCTAssertEqual(item?["field"], "Attachment")
        XCTAssertEqual(item?["toString"], "a.txt")
    }

    // MARK: - Self links

    func testEverySelfLinkInAnIssue_Resolves() throws {
        try createIssue(extra: ["assignee": ["name": "bob"]])
        try client.json("POST", "/rest/api/2/issue/SUP-1/comment", ["body": "hi"], expect: 201)
        _ = try upload([1, 2])
        let issue = try client.json("GET", "/rest/api/2/issue/SUP-1")
        var links: [String] = []
        func collect(_ value: JSON) {
            switch value {
            case .object(let members):
                if let link = members["self"]?.stringValue { links.append(link) }
                members.values.forEach(collect)
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        collect(issue)
        XCTAssertGreaterThan(links.count, 8)
        for link in Set(links) {
            XCTAssertEqual(try client.send("GET", link).status, 200, link)
        }
    }
}
