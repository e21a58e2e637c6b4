import Foundation
import NodeHost
import PluginKit
import TandemJSON
import XCTest

/// The JiraLike plugin against the Jira simulator, through the ABI and the
/// node's HTTP service: every operation of the contract.
final class JiraConnectorTests: XCTestCase {
    private var jira: TrackerSide!

    override func setUpWithError() throws { jira = try TrackerSide(.jira) }
    override func tearDown() { jira = nil }

    func testGet_ReturnsFieldsCommentsAndAttachmentsInOneRequest() throws {
        let id = try jira.createEntity("Printer on fire", extra: ["priority": "High"])
        let commentID = try XCTUnwrap(jira.call("comment.add", ["id": .string(id), "body": "smoke seen"])["id"]?.stringValue)
        try jira.call("attachment.put", ["id": .string(id), "filename": "log.txt", "mimeType": "text/plain"], blob: Array("hello".utf8))
        let before = jira.http.requestCount

        let entity = try jira.call("get", ["id": .string(id)])

        XCTAssertEqual(jira.http.requestCount - before, 1)
        XCTAssertEqual(entity["id"]?.stringValue, id)
        XCTAssertEqual(entity["key"]?.stringValue, "SUP-1")
        XCTAssertEqual(entity["url"]?.stringValue, jira.baseURL + "/browse/SUP-1")
        XCTAssertEqual(entity["fields"]?["summary"], "Printer on fire")
        XCTAssertEqual(entity["fields"]?["status"], ["id": "1", "name": "To Do"])
        XCTAssertEqual(entity["fields"]?["priority"], ["id": "2", "name": "High"])
        XCTAssertEqual(entity["fields"]?["reporter"], ["id": "sync", "email": "sync@example.com", "name": "Sync"])
        XCTAssertNil(entity["fields"]?["comment"], "comments move out of fields")
        XCTAssertEqual(entity["comments"]?[0]?["id"]?.stringValue, commentID)
        XCTAssertEqual(entity["comments"]?[0]?["body"], "smoke seen")
        XCTAssertEqual(entity["comments"]?[0]?["internal"], false)
        XCTAssertEqual(entity["attachments"]?[0]?["filename"], "log.txt")
        XCTAssertEqual(entity["attachments"]?[0]?["size"], 5)
        let updated = try XCTUnwrap(entity["updated"]?.stringValue)
        XCTAssertTrue(updated.hasSuffix("Z") && updated.count == 24, updated)
    }

    func testGet_ByKeyFindsTheSameIssue() throws {
        let id = try jira.createEntity("By key")
        XCTAssertEqual(try jira.call("get", ["key": "SUP-1"])["id"]?.stringValue, id)
    }

    func testCreate_UsesTheConfiguredProjectAndAnsweringIdKeyAndURL() throws {
        let created = try jira.call("create", ["fields": ["summary": "New"]])
        XCTAssertEqual(created["key"]?.stringValue, "SUP-1")
        XCTAssertEqual(created["url"]?.stringValue, jira.baseURL + "/browse/SUP-1")
        XCTAssertEqual(try jira.call("get", ["id": created["id"]!])["fields"]?["issuetype"]?["name"], "Task")
    }

    func testCreate_WithAStatusReachesItByTransition() throws {
        let id = try jira.createEntity("Started", extra: ["status": "In Progress"])
        XCTAssertEqual(try jira.call("get", ["id": .string(id)])["fields"]?["status"]?["name"], "In Progress")
    }

    func testLookup_FindsTheIssueCreatedWithACorrelationId() throws {
        let created = try jira.call("create", ["fields": ["summary": "Once"], "correlationId": "c0ffee-1"])
        let found = try jira.call("lookup", ["correlationId": "c0ffee-1"])
        XCTAssertEqual(found["id"], created["id"])
        XCTAssertEqual(found["key"], created["key"])
        XCTAssertEqual(try jira.call("get", ["id": created["id"]!])["fields"]?["labels"], ["tandem-c0ffee-1"])
    }

    func testLookup_UnknownCorrelationIdIsNotFound() {
        XCTAssertEqual(jira.failure("lookup", ["correlationId": "never-made"])?.kind, .notFound)
    }

    func testUpdate_SetsStatusPriorityAssigneeByEmailAndPlainFields() throws {
        let id = try jira.createEntity("Before")
        let answer = try jira.call("update", ["id": .string(id), "fields": [
            "summary": "After", "status": "In Progress", "priority": ["name": "Low"], "assignee": "alice@example.com",
        ]])
        XCTAssertEqual(answer["id"]?.stringValue, id)
        let fields = try XCTUnwrap(jira.call("get", ["id": .string(id)])["fields"])
        XCTAssertEqual(fields["summary"], "After")
        XCTAssertEqual(fields["status"]?["name"], "In Progress")
        XCTAssertEqual(fields["priority"]?["name"], "Low")
        XCTAssertEqual(fields["assignee"]?["email"], "alice@example.com")
    }

    func testUpdate_NullAssigneeUnassigns() throws {
        let id = try jira.createEntity("Owned", extra: ["assignee": ["email": "bob@example.com"]])
        try jira.call("update", ["id": .string(id), "fields": ["assignee": nil]])
        XCTAssertEqual(try jira.call("get", ["id": .string(id)])["fields"]?["assignee"], .null)
    }

    func testUpdate_StatusTwoTransitionsAway_IsReachedThroughTheWorkflow() throws {
        let id = try jira.createEntity("Fresh")
        try jira.call("update", ["id": .string(id), "fields": ["status": "Done"]])
        XCTAssertEqual(try jira.call("get", ["id": .string(id)])["fields"]?["status"]?["name"], "Done")
        try jira.call("update", ["id": .string(id), "fields": ["status": "In Progress"]])
        XCTAssertEqual(try jira.call("get", ["id": .string(id)])["fields"]?["status"]?["name"], "In Progress")
    }

    func testUpdate_StatusNoPathReaches_IsInvalidNamingThePathTried() throws {
        let id = try jira.createEntity("Fresh")
        let error = jira.failure("update", ["id": .string(id), "fields": ["status": "Blocked"]])
        XCTAssertEqual(error?.kind, .invalid)
        XCTAssertEqual(error?.message, "update: no path of at most 3 transitions leads from 'to do' to 'Blocked'; went through: to do → in progress → done")
    }

    func testUpdate_UnknownAssigneeEmailIsNotFound() throws {
        let id = try jira.createEntity("Nobody")
        let error = jira.failure("update", ["id": .string(id), "fields": ["assignee": "ghost@example.com"]])
        XCTAssertEqual(error?.kind, .notFound)
        XCTAssertTrue(error?.message.contains("ghost@example.com") ?? false)
    }

    func testCommentAdd_ReturnsTheIdGetLists() throws {
        let id = try jira.createEntity("Talk")
        let commentID = try jira.call("comment.add", ["id": .string(id), "body": "first", "internal": false])["id"]
        XCTAssertEqual(try jira.call("get", ["id": .string(id)])["comments"]?[0]?["id"], commentID)
    }

    func testAttachment_PutThenGetReturnsTheSameBytes() throws {
        let id = try jira.createEntity("Files")
        let bytes = (0..<2048).map { UInt8($0 % 256) } + Array("\r\n--x--\r\n".utf8)
        let put = try jira.call("attachment.put", ["id": .string(id), "filename": "dump.bin", "mimeType": "application/octet-stream"], blob: bytes)
        XCTAssertEqual(put["size"]?.intValue, bytes.count)
        let got = try jira.instance.call("attachment.get", ["id": .string(id), "attachmentId": put["id"]!])
        XCTAssertEqual(got.blob, bytes)
        XCTAssertEqual(got.json, ["filename": "dump.bin", "mimeType": "application/octet-stream", "size": .int(Int64(bytes.count))])
    }

    func testUserFind_ByEmailIgnoringCase() throws {
        XCTAssertEqual(try jira.call("user.find", ["email": "Alice@Example.com"]),
                       ["id": "alice", "email": "alice@example.com", "name": "Alice"])
    }

    func testUserFind_UnknownEmailIsNotFound() {
        XCTAssertEqual(jira.failure("user.find", ["email": "nobody@example.com"])?.kind, .notFound)
    }

    func testSearch_NullCursorFindsEveryIssueOfTheProjectOldestFirst() throws {
        let first = try jira.createEntity("one"), second = try jira.createEntity("two")
        let answer = try jira.call("search", ["query": "", "cursor": nil])
        XCTAssertEqual(answer["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, [first, second])
        let cursor = try XCTUnwrap(answer["cursor"]?.stringValue.flatMap(SearchCursor.init(text:)))
        XCTAssertEqual(cursor.id, second, "the cursor is the position of the last ref")
        XCTAssertEqual(answer["more"], false)
    }

    func testSearch_CursorStillFindsChangesWithinTheOverlap() throws {
        let id = try jira.createEntity("watched")
        let cursor = try XCTUnwrap(jira.call("search", ["cursor": nil])["cursor"])
        try jira.call("update", ["id": .string(id), "fields": ["summary": "changed"]])
        let again = try jira.call("search", ["cursor": cursor, "overlapSeconds": 60])
        XCTAssertEqual(again["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, [id])
        let before = try XCTUnwrap(cursor.stringValue.flatMap(SearchCursor.init(text:)))
        let after = try XCTUnwrap(again["cursor"]?.stringValue.flatMap(SearchCursor.init(text:)))
        XCTAssertGreaterThan(after.updated, before.updated)
    }

    func testSearch_FollowingTheCursorPageByPageHandsOverEveryIssueOnce() throws {
        let created = try (0..<12).map { try jira.createEntity("bulk \($0)") }
        var cursor: JSON = .null, seen: [String] = [], calls = 0
        repeat {
            let answer = try jira.call("search", ["cursor": cursor, "limit": 5])
            seen += answer["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            cursor = answer["cursor"] ?? .null
            calls += 1
            if answer["more"] != true { break }
        } while calls < 10
        XCTAssertEqual(seen, created)
        XCTAssertEqual(calls, 3)
    }

    func testSearch_PagesPastOnePageAndStopsAtTheLimit() throws {
        for number in 0..<105 { _ = try jira.createEntity("bulk \(number)") }
        XCTAssertEqual(try jira.call("search", ["cursor": nil])["refs"]?.arrayValue?.count, 105)
        XCTAssertEqual(try jira.call("search", ["cursor": nil, "limit": 7])["refs"]?.arrayValue?.count, 7)
    }

    func testSearch_QueryIsTheTrackersOwnLanguage() throws {
        _ = try jira.createEntity("plain")
        let started = try jira.createEntity("started", extra: ["status": "In Progress"])
        let answer = try jira.call("search", ["query": "status = \"In Progress\"", "cursor": nil])
        XCTAssertEqual(answer["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, [started])
    }

    func testSearch_UnreadableCursorIsInvalid() {
        XCTAssertEqual(jira.failure("search", ["cursor": "yesterday"])?.kind, .invalid)
    }
}

extension JiraConnectorTests {
    func testGet_ConcurrentCallsOnOneInstanceAllAnswerTheSame() throws {
        let id = try jira.createEntity("shared")
        let expected = try jira.call("get", ["id": .string(id)])
        let side = jira!
        let answers = ConcurrentResults(count: 16)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            answers.set(index, try? side.call("get", ["id": .string(id)]))
        }
        XCTAssertEqual(answers.values, Array(repeating: expected, count: 16))
    }
}
