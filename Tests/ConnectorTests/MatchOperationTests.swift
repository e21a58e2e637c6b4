import Foundation
import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// `match` of both bundled connectors against their simulators: whether one
/// entity matches a trigger query, in one request, with an id that cannot
/// change the query; and the webhook signature each declares.
final class MatchOperationTests: XCTestCase {
    func testJira_MatchesOnlyTheIssueTheQuerySelects_InOneRequest() throws {
        // The deployment given, so no serverInfo request is counted.
        let jira = try TrackerSide(.jira, configure: { $0["deployment"] = "datacenter" })
        let shared = try jira.createEntity("Shared", extra: ["labels": ["sync"]])
        let internalIssue = try jira.createEntity("Internal", extra: ["labels": ["internal"]])
        let before = jira.http.requestCount

        XCTAssertEqual(try jira.call("match", ["query": "project = SUP AND labels = sync", "id": .string(shared)])["matches"], true)
        XCTAssertEqual(jira.http.requestCount - before, 1)
        XCTAssertEqual(try jira.call("match", ["query": "project = SUP AND labels = sync", "id": .string(internalIssue)])["matches"], false)
        XCTAssertEqual(try jira.call("match", ["query": "", "id": .string(internalIssue)])["matches"], true, "empty: the configured project")
    }

    func testJira_AnIdThatIsNotNumericIsInvalid() throws {
        let jira = try TrackerSide(.jira)
        let error = jira.failure("match", ["query": "labels = sync", "id": "1 OR project = SUP"])
        XCTAssertEqual(error?.kind, .invalid)
    }

    func testServiceNow_MatchesOnlyTheRecordTheQuerySelects_InOneRequest() throws {
        let serviceNow = try TrackerSide(.serviceNow)
        let printer = try serviceNow.createEntity("Printer jammed")
        let network = try serviceNow.createEntity("Network down")
        let before = serviceNow.http.requestCount

        XCTAssertEqual(try serviceNow.call("match", ["query": "short_descriptionLIKEprinter", "id": .string(printer)])["matches"], true)
        XCTAssertEqual(serviceNow.http.requestCount - before, 1)
        XCTAssertEqual(try serviceNow.call("match", ["query": "short_descriptionLIKEprinter", "id": .string(network)])["matches"], false)
        XCTAssertEqual(try serviceNow.call("match", ["query": "", "id": .string(network)])["matches"], true)
    }

    func testServiceNow_AnIdThatIsNotASysIDOrAnNQQueryIsInvalid() throws {
        let serviceNow = try TrackerSide(.serviceNow)
        XCTAssertEqual(serviceNow.failure("match", ["query": "active=true", "id": "x^ORactive=false"])?.kind, .invalid)
        XCTAssertEqual(serviceNow.failure("match", ["query": "active=true^NQactive=false", "id": .string(String(repeating: "a", count: 32))])?.kind,
                       .invalid)
    }

    func testBoth_DeclareTheirWebhookSignatureInCapabilitiesAndDescribe() throws {
        for (file, header) in [("libJiraLike.so", "X-Hub-Signature"), ("libServiceNowLike.so", "X-Tandem-Signature")] {
            let plugin = try PluginLoader().load(path: TestPaths.products + "/" + file).get()
            let expected: JSON = ["header": .string(header), "scheme": "sha256-hex"]
            XCTAssertEqual(plugin.capabilities["webhookSignature"], expected, file)
            XCTAssertTrue(plugin.operations.contains("match"), file)
        }
    }
}
