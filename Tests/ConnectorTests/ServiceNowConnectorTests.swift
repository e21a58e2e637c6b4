import Foundation
import NodeHost
import TandemJSON
import XCTest

/// The ServiceNowLike plugin against the ServiceNow simulator, through the ABI
/// and the node's HTTP service: every operation of the contract.
final class ServiceNowConnectorTests: XCTestCase {
    private var snow: TrackerSide!

    override func setUpWithError() throws { snow = try TrackerSide(.serviceNow) }
    override func tearDown() { snow = nil }

    func testGet_ReturnsCodesAndLabelsJournalAndAttachmentsInThreeRequests() throws {
        let id = try snow.createEntity("Email down", extra: ["priority": "High", "assigned_to": "beth.anglin@example.com"])
        let commentID = try XCTUnwrap(snow.call("comment.add", ["id": .string(id), "body": "looking", "internal": false])["id"])
        let noteID = try XCTUnwrap(snow.call("comment.add", ["id": .string(id), "body": "internal note", "internal": true])["id"])
        try snow.call("attachment.put", ["id": .string(id), "filename": "trace.txt", "mimeType": "text/plain"], blob: Array("trace".utf8))
        _ = try snow.call("get", ["id": .string(id)])  // fills the user cache
        let before = snow.http.requestCount

        let entity = try snow.call("get", ["id": .string(id)])

        XCTAssertEqual(snow.http.requestCount - before, 3)
        XCTAssertEqual(entity["key"], "INC0010001")
        XCTAssertEqual(entity["type"], "incident")
        XCTAssertEqual(entity["url"]?.stringValue, snow.baseURL + "/incident.do?sys_id=" + id)
        XCTAssertEqual(entity["fields"]?["short_description"], "Email down")
        XCTAssertEqual(entity["fields"]?["state"], ["id": "1", "name": "New"])
        XCTAssertEqual(entity["fields"]?["priority"], ["id": "2", "name": "2 - High"])
        XCTAssertEqual(entity["fields"]?["assigned_to"]?["email"], "beth.anglin@example.com")
        XCTAssertEqual(entity["fields"]?["assigned_to"]?["name"], "Beth Anglin")
        XCTAssertNil(entity["fields"]?["comments"], "journal fields are comments, not fields")
        XCTAssertEqual(entity["comments"]?.arrayValue?.map { $0["id"]! }, [commentID, noteID])
        XCTAssertEqual(entity["comments"]?.arrayValue?.map { $0["internal"]! }, [false, true])
        XCTAssertEqual(entity["comments"]?[0]?["author"]?["email"], "sync@example.com")
        XCTAssertEqual(entity["attachments"]?[0]?["filename"], "trace.txt")
        XCTAssertEqual(entity["attachments"]?[0]?["size"], 5)
        XCTAssertTrue(entity["updated"]?.stringValue?.hasSuffix(".000Z") ?? false)
    }

    func testVersion_IsOneRequestAndMovesWithEveryWriteIncludingComments() throws {
        let id = try snow.createEntity("Versioned")
        let entity = try snow.call("get", ["id": .string(id)])
        let before = snow.http.requestCount
        let first = try snow.call("version", ["id": .string(id)])
        XCTAssertEqual(snow.http.requestCount - before, 1)
        XCTAssertEqual(first["version"], entity["version"], "get and version agree")
        _ = try snow.call("comment.add", ["id": .string(id), "body": "a comment", "internal": false])
        let afterComment = try snow.call("version", ["id": .string(id)])["version"]?.stringValue.flatMap { Int($0) }
        XCTAssertEqual(afterComment, first["version"]?.stringValue.flatMap { Int($0) }.map { $0 + 1 })
        let updated = try snow.call("update", ["id": .string(id), "fields": ["short_description": "Versioned, edited"]])
        XCTAssertEqual(updated["version"]?.stringValue.flatMap { Int($0) }, afterComment.map { $0 + 1 })
    }

    func testGet_ByNumberFindsTheSameRecord() throws {
        let id = try snow.createEntity("By number")
        XCTAssertEqual(try snow.call("get", ["key": "INC0010001"])["id"]?.stringValue, id)
    }

    func testCreate_StoresTheCorrelationIdThatLookupFinds() throws {
        let created = try snow.call("create", ["fields": ["short_description": "Once"], "correlationId": "SUP-42"])
        XCTAssertEqual(created["url"]?.stringValue, snow.baseURL + "/incident.do?sys_id=" + (created["id"]?.stringValue ?? ""))
        let found = try snow.call("lookup", ["correlationId": "SUP-42"])
        XCTAssertEqual(["id", "key", "url"].map { found[$0] }, ["id", "key", "url"].map { created[$0] })
        XCTAssertEqual(try snow.call("get", ["id": created["id"]!])["fields"]?["correlation_id"], "SUP-42")
    }

    func testCreate_AnswersTheNewRecordAsGetShowsIt_WithoutJournalOrAttachments() throws {
        let created = try snow.call("create", ["fields": ["short_description": "Answered"], "correlationId": "SUP-43"])
        let read = try snow.call("get", ["id": created["id"]!])
        XCTAssertEqual(created["fields"], read["fields"])
        XCTAssertEqual(created["version"], read["version"])
        XCTAssertEqual(created["updated"], read["updated"])
        XCTAssertNil(created["comments"], "the POST answer holds no journal")
        XCTAssertNil(created["attachments"])
    }

    func testLookup_UnknownCorrelationIdIsNotFound() {
        XCTAssertEqual(snow.failure("lookup", ["correlationId": "never"])?.kind, .notFound)
    }

    func testUpdate_MapsStatusNameToStateCodeAndAnswersTheEntity() throws {
        let id = try snow.createEntity("Before")
        let entity = try snow.call("update", ["id": .string(id), "fields": [
            "status": "In Progress", "short_description": "After", "priority": "Critical", "assignee": ["email": "sync@example.com"],
        ]])
        XCTAssertEqual(entity["fields"]?["state"], ["id": "2", "name": "In Progress"])
        XCTAssertEqual(entity["fields"]?["short_description"], "After")
        XCTAssertEqual(entity["fields"]?["priority"]?["id"], "1")
        XCTAssertEqual(entity["fields"]?["assigned_to"]?["email"], "sync@example.com")
    }

    func testUpdate_NullAssigneeUnassigns() throws {
        let id = try snow.createEntity("Owned", extra: ["assignee": "sync@example.com"])
        XCTAssertEqual(try snow.call("update", ["id": .string(id), "fields": ["assignee": nil]])["fields"]?["assigned_to"], .null)
    }

    func testUpdate_UnknownStatusNameIsInvalidListingTheStates() throws {
        let id = try snow.createEntity("x")
        let error = snow.failure("update", ["id": .string(id), "fields": ["status": "Sleeping"]])
        XCTAssertEqual(error?.kind, .invalid)
        XCTAssertTrue(error?.message.contains("Resolved (6)") ?? false, error?.message ?? "")
    }

    func testUpdate_DataPolicyRefusalIsInvalidWithServiceNowsMessage() throws {
        let id = try snow.createEntity("x")
        let error = snow.failure("update", ["id": .string(id), "fields": ["status": "Resolved"]])
        XCTAssertEqual(error?.kind, .invalid)
        XCTAssertTrue(error?.message.contains("Resolution code") ?? false, error?.message ?? "")
    }

    func testCommentAdd_InternalBecomesAWorkNote() throws {
        let id = try snow.createEntity("x")
        let noteID = try snow.call("comment.add", ["id": .string(id), "body": "secret", "internal": true])["id"]
        let comment = try snow.call("get", ["id": .string(id)])["comments"]?[0]
        XCTAssertEqual(comment?["id"], noteID)
        XCTAssertEqual(comment?["internal"], true)
        XCTAssertEqual(comment?["body"], "secret")
    }

    func testAttachment_PutThenGetReturnsTheSameBytes() throws {
        let id = try snow.createEntity("Files")
        let bytes = (0..<4096).map { UInt8(($0 * 7) % 256) }
        let put = try snow.call("attachment.put", ["id": .string(id), "filename": "a b.bin", "mimeType": "application/octet-stream"], blob: bytes)
        XCTAssertEqual(put["size"]?.intValue, bytes.count)
        let got = try snow.instance.call("attachment.get", ["id": .string(id), "attachmentId": put["id"]!])
        XCTAssertEqual(got.blob, bytes)
        XCTAssertEqual(got.json["filename"], "a b.bin")
    }

    func testAttachmentGet_OfAnotherRecordIsNotFound() throws {
        let owner = try snow.createEntity("owner"), other = try snow.createEntity("other")
        let put = try snow.call("attachment.put", ["id": .string(owner), "filename": "f", "mimeType": "text/plain"], blob: [1])
        XCTAssertEqual(snow.failure("attachment.get", ["id": .string(other), "attachmentId": put["id"]!])?.kind, .notFound)
    }

    func testUserFind_ByEmail() throws {
        let user = try snow.call("user.find", ["email": "beth.anglin@example.com"])
        XCTAssertEqual(user["name"], "Beth Anglin")
        XCTAssertEqual(user["id"]?.stringValue?.count, 32)
    }

    func testUserFind_UnknownEmailIsNotFound() {
        XCTAssertEqual(snow.failure("user.find", ["email": "ghost@example.com"])?.kind, .notFound)
    }

    func testSearch_NullCursorFindsEveryRecordOldestFirst() throws {
        let first = try snow.createEntity("one"), second = try snow.createEntity("two")
        let answer = try snow.call("search", ["query": "", "cursor": nil])
        XCTAssertEqual(Set(answer["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []), [first, second])
        XCTAssertEqual(answer["refs"]?[0]?["key"]?.stringValue?.hasPrefix("INC"), true)
    }

    func testSearch_CursorFindsChangesWithinTheOverlap() throws {
        let id = try snow.createEntity("watched")
        let cursor = try XCTUnwrap(snow.call("search", ["cursor": nil])["cursor"])
        try snow.call("update", ["id": .string(id), "fields": ["short_description": "changed"]])
        XCTAssertEqual(try snow.call("search", ["cursor": cursor])["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, [id])
    }

    func testSearch_EncodedQueryFiltersAndLimitPages() throws {
        for number in 0..<12 { _ = try snow.createEntity("bulk \(number)") }
        let started = try snow.createEntity("started", extra: ["state": "2"])
        XCTAssertEqual(try snow.call("search", ["query": "state=2", "cursor": nil])["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, [started])
        XCTAssertEqual(try snow.call("search", ["cursor": nil, "limit": 5])["refs"]?.arrayValue?.count, 5)
    }

    func testSearch_FollowingTheCursorThroughTiesOfOneSecondHandsOverEveryRecordOnce() throws {
        let created = try (0..<12).map { try snow.createEntity("bulk \($0)") }
        var cursor: JSON = .null, seen: [String] = [], calls = 0
        repeat {
            let answer = try snow.call("search", ["cursor": cursor, "limit": 5])
            seen += answer["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            cursor = answer["cursor"] ?? .null
            calls += 1
            if answer["more"] != true { break }
        } while calls < 10
        XCTAssertEqual(seen.count, 12, "each record once")
        XCTAssertEqual(Set(seen), Set(created))
        XCTAssertEqual(calls, 3)
    }

    func testSearch_QueryWithNQIsInvalid() {
        XCTAssertEqual(snow.failure("search", ["query": "state=1^NQstate=2", "cursor": nil])?.kind, .invalid)
    }
}

extension ServiceNowConnectorTests {
    func testGet_ConcurrentCallsOnOneInstanceAllAnswerTheSame() throws {
        let id = try snow.createEntity("shared", extra: ["assignee": "beth.anglin@example.com"])
        let expected = try snow.call("get", ["id": .string(id)])
        let side = snow!
        let answers = ConcurrentResults(count: 16)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            answers.set(index, try? side.call("get", ["id": .string(id)]))
        }
        XCTAssertEqual(answers.values, Array(repeating: expected, count: 16))
    }
}
