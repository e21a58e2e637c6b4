import ConnectorContract
import Foundation
import TandemJSON
import TestSupport
import XCTest

/// The contract schemas and the validator `plugins check` runs every output through.
final class ConnectorContractTests: XCTestCase {
    private func contract() throws -> ConnectorContract {
        try ConnectorContract.load(folder: TestPaths.packageRoot + "/Sources/ConnectorContract/schemas/abi-1", abiMajor: 1)
    }

    private let entity: JSON = ["id": "1", "key": "FS-1", "updated": "2026-11-22T08:00:00.000Z", "fields": ["summary": "x"],
                                "comments": [["id": "c1", "body": "hi", "created": "2026-11-22T08:00:01.000Z"]], "attachments": []]

    func testEveryOperationInTheGuide_HasAnInputAndAnOutputSchema() throws {
        let documents = try contract().schemas.documents
        for operation in ["describe", "search", "get", "create", "lookup", "update", "comment.add", "attachment.get",
                          "attachment.put", "user.find", "webhook.parse"] {
            XCTAssertNotNil(documents[operation + ".input.json"], operation)
            XCTAssertNotNil(documents[operation + ".output.json"], operation)
        }
    }

    func testAConformingEntity_HasNoViolations() throws {
        XCTAssertEqual(try contract().validateOutput("get", entity), [])
    }

    func testGetWithAuthors_IsAConformingInput_AndItsAnswerNamesFieldsByName() throws {
        XCTAssertEqual(try contract().validateInput("get", ["id": "1", "authors": true]), [])
        XCTAssertEqual(try contract().validateInput("get", ["id": "1", "authors": "yes"]).map(\.path), ["$.authors"])
        var answer = entity
        answer["changedByConnector"] = ["status"]
        XCTAssertEqual(try contract().validateOutput("get", answer), [])
        answer["changedByConnector"] = [["field": "status"]]
        XCTAssertEqual(try contract().validateOutput("get", answer).map(\.path), ["$.changedByConnector[0]"])
    }

    func testATimeWithoutMilliseconds_IsNamedWithItsPath() throws {
        var broken = entity
        broken["updated"] = "2026-11-22T08:00:00Z"
        XCTAssertEqual(try contract().validateOutput("get", broken).map(\.description),
                       ["$.updated: expected ISO-8601 UTC with milliseconds like 2026-11-22T08:00:00.000Z, got \"2026-11-22T08:00:00Z\""])
    }

    func testATimeWithAnOffset_IsNotUTC() throws {
        XCTAssertFalse(SchemaSet.isTandemTime("2026-11-22T08:00:00.000+01:00"))
        XCTAssertTrue(SchemaSet.isTandemTime("2026-11-22T08:00:00.000Z"))
    }

    func testARefWithoutUpdated_IsAViolationOfSearch() throws {
        let output: JSON = ["refs": [["id": "1", "key": "FS-1"]], "cursor": "c"]
        XCTAssertEqual(try contract().validateOutput("search", output).map(\.description),
                       ["$.refs[0]: expected member \"updated\", got an object without it"])
    }

    func testAMissingCursorMember_IsAViolationButANullCursorIsNot() throws {
        XCTAssertEqual(try contract().validateOutput("search", ["refs": []]).count, 1)
        XCTAssertEqual(try contract().validateOutput("search", ["refs": [], "cursor": nil]), [])
    }

    func testWrongTypesInNestedArrays_AreEachReported() throws {
        var broken = entity
        broken["comments"] = [["id": 5, "body": "x", "created": "2026-11-22T08:00:00.000Z"], ["id": "c2", "created": "x"]]
        let violations = try contract().validateOutput("get", broken).map(\.path)
        XCTAssertEqual(violations, ["$.comments[0].id", "$.comments[1]", "$.comments[1].created"])
    }

    func testAnUnknownWebhookEventKind_IsAViolation() throws {
        let output: JSON = ["events": [["kind": "moved", "id": "1"]]]
        XCTAssertEqual(try contract().validateOutput("webhook.parse", output).map(\.description),
                       ["$.events[0].kind: expected one of [\"created\",\"updated\",\"deleted\",\"commented\"], got \"moved\""])
    }

    func testTheBundledSchemas_AreTheOnesInTheRepository() throws {
        XCTAssertEqual(try ConnectorContract.load(abiMajor: 1).schemas.documents, try contract().schemas.documents)
    }
}
