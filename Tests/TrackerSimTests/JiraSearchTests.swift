import Foundation
import TandemJSON
import TrackerSim
import XCTest

final class JiraSearchTests: XCTestCase {
    private var simulator: JiraSimulator!
    private var client: SimClient!

    override func setUpWithError() throws {
        simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "admin", password: "secret"))
        try simulator.start()
        client = SimClient(base: simulator.baseURL)
        for number in 1...7 {
            let labels: JSON = number % 2 == 0 ? ["even"] : ["odd"]
            try client.json("POST", "/rest/api/2/issue", ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Bug"],
                                                                     "summary": .string("Issue \(number)"), "labels": labels]], expect: 201)
        }
    }

    override func tearDown() {
        simulator.stop()
    }

    private func search(_ jql: String, _ extra: String = "") throws -> JSON {
        let encoded = jql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try client.json("GET", "/rest/api/2/search?jql=\(encoded)\(extra)")
    }

    private func keys(_ result: JSON) -> [String] { result["issues"]?.arrayValue?.compactMap { $0["key"]?.stringValue } ?? [] }

    func testSearch_OrderedByUpdated_AfterEditsAndADelete_MatchesAFullSort() throws {
        for (number, key) in ["SUP-3", "SUP-1", "SUP-5", "SUP-3"].enumerated() {
            XCTAssertEqual(try client.send("PUT", "/rest/api/2/issue/\(key)", json: ["fields": ["summary": .string("edit \(number)")]]).status, 204)
            Thread.sleep(forTimeInterval: 0.003)  // distinct `updated` milliseconds: equal ones order by id
        }
        XCTAssertEqual(try client.send("DELETE", "/rest/api/2/issue/SUP-6").status, 204)
        let indexed = try search("project = SUP ORDER BY updated ASC, key ASC", "&maxResults=100&fields=updated")
        let everything = try search("project = SUP ORDER BY key DESC", "&maxResults=100&fields=updated")
        func order(_ issue: JSON) -> (String, Int) {
            (issue["fields"]?["updated"]?.stringValue ?? "", Int(issue["id"]?.stringValue ?? "") ?? 0)
        }
        let expected = (everything["issues"]?.arrayValue ?? []).sorted { order($0) < order($1) }.compactMap { $0["key"]?.stringValue }
        XCTAssertEqual(keys(indexed), expected)
        XCTAssertEqual(Array(keys(indexed).suffix(3)), ["SUP-1", "SUP-5", "SUP-3"], "an edit moves an issue to the end, once")
        XCTAssertEqual(indexed["total"], 6)
    }

    func testSearch_SameQueryAgain_SeesEveryChangeSinceAndEveryPage() throws {
        let jql = "project = SUP AND labels = even ORDER BY key ASC"
        XCTAssertEqual(keys(try search(jql, "&maxResults=2")), ["SUP-2", "SUP-4"])
        XCTAssertEqual(keys(try search(jql, "&maxResults=2&startAt=2")), ["SUP-6"])
        XCTAssertEqual(try client.send("PUT", "/rest/api/2/issue/SUP-1", json: ["fields": ["labels": ["even"]]]).status, 204)
        XCTAssertEqual(keys(try search(jql, "&maxResults=2")), ["SUP-1", "SUP-2"])
        XCTAssertEqual(try client.send("DELETE", "/rest/api/2/issue/SUP-2").status, 204)
        XCTAssertEqual(keys(try search(jql, "&maxResults=10")), ["SUP-1", "SUP-4", "SUP-6"])
    }

    func testSearch_UpdatedBound_StartsTheIndexedSearchThere() throws {
        let all = try search("project = SUP ORDER BY updated ASC, key ASC", "&maxResults=100&fields=updated")
        let bound = "2999/01/01 00:00"
        XCTAssertEqual(all["total"], 7)
        XCTAssertEqual(try search("project = SUP AND updated >= \"\(bound)\" ORDER BY updated ASC, key ASC")["total"], 0)
        XCTAssertEqual(try search("updated >= \"2000/01/01 00:00\" AND labels = even ORDER BY updated ASC")["total"], 3)
    }

    func testSearch_ByKeyOrId_StillAppliesTheRestOfTheQuery() throws {
        XCTAssertEqual(keys(try search("project = SUP AND key = SUP-2 AND labels = even")), ["SUP-2"])
        XCTAssertEqual(keys(try search("project = SUP AND key = sup-3 AND labels = even")), [], "SUP-3 is odd")
        XCTAssertEqual(keys(try search("key = SUP-99")), [], "no such issue: nothing, not an error")
    }

    func testSearch_PagesWithStartAtMaxResultsTotal() throws {
        let first = try search("project = SUP ORDER BY key ASC", "&startAt=0&maxResults=3")
        XCTAssertEqual(first["total"], 7)
        XCTAssertEqual(first["maxResults"], 3)
        XCTAssertEqual(keys(first), ["SUP-1", "SUP-2", "SUP-3"])
        let last = try search("project = SUP ORDER BY key ASC", "&startAt=6&maxResults=3")
        XCTAssertEqual(keys(last), ["SUP-7"])
    }

    func testSearch_MaxResultsOver100_IsCappedAndEchoed() throws {
        XCTAssertEqual(try search("project = SUP", "&maxResults=500")["maxResults"], 100)
    }

    func testSearch_DefaultFieldsAreNavigable_NoComments() throws {
        let issue = try search("key = SUP-1")["issues"]?[0]
        XCTAssertNotNil(issue?["fields"]?["summary"])
        XCTAssertNil(issue?["fields"]?["comment"])
    }

    func testSearch_LabelsAndStatus_Filter() throws {
        XCTAssertEqual(keys(try search("labels = even AND status = \"To Do\" ORDER BY key")), ["SUP-2", "SUP-4", "SUP-6"])
        XCTAssertEqual(keys(try search("labels in (odd) AND key in (SUP-1, SUP-2, SUP-3) ORDER BY key DESC")), ["SUP-3", "SUP-1"])
    }

    func testSearch_UpdatedSinceMinute_FindsRecentChanges() throws {
        let now = Date().addingTimeInterval(-60)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy/MM/dd HH:mm"
        let since = formatter.string(from: now)
        XCTAssertEqual(try search("updated >= \"\(since)\" ORDER BY updated ASC")["total"], 7)
        XCTAssertEqual(try search("updated >= \"2999/01/01 00:00\"")["total"], 0)
    }

    func testSearch_OrderByUpdated_FollowsEdits() throws {
        try client.send("PUT", "/rest/api/2/issue/SUP-3", json: ["fields": ["summary": "touched"]])
        XCTAssertEqual(keys(try search("project = SUP ORDER BY updated DESC, key ASC", "&maxResults=1")), ["SUP-3"])
    }

    func testSearch_Post_TakesBody() throws {
        let result = try client.json("POST", "/rest/api/2/search", ["jql": "labels = odd", "startAt": 1, "maxResults": 2, "fields": ["summary"]])
        XCTAssertEqual(result["total"], 4)
        XCTAssertEqual(result["issues"]?.arrayValue?.count, 2)
    }

    func testSearch_BadJQL_Gets400WithReason() throws {
        let response = try client.send("GET", "/rest/api/2/search?jql=project%20%3D%3D%20SUP")
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(try JSON(parsing: response.body)["errorMessages"]?.arrayValue?.isEmpty, false)
    }

    func testSearch_UnknownField_Gets400() throws {
        XCTAssertEqual(try client.send("GET", "/rest/api/2/search?jql=colour%3Dred").status, 400)
    }

    func testSearchJql_TokenPagingEndsWithoutToken() throws {
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            var path = "/rest/api/3/search/jql?jql=project%3DSUP%20ORDER%20BY%20key&maxResults=3&fields=summary"
            if let token { path += "&nextPageToken=\(token)" }
            let page = try client.json("GET", path)
            seen += keys(page)
            token = page["nextPageToken"]?.stringValue
            XCTAssertEqual(page["isLast"]?.boolValue, token == nil)
            XCTAssertNil(page["total"])
            pages += 1
        } while token != nil && pages < 10
        XCTAssertEqual(seen, (1...7).map { "SUP-\($0)" })
        XCTAssertEqual(pages, 3)
    }

    func testSearchJql_DefaultsToIdOnly() throws {
        let issue = try client.json("GET", "/rest/api/2/search/jql?jql=key%3DSUP-1")["issues"]?[0]
        XCTAssertEqual(issue?["id"], "10001")
        XCTAssertEqual(issue?["fields"], .object([:]))
    }

    func testSearchJql_Unbounded_Gets400() throws {
        XCTAssertEqual(try client.send("GET", "/rest/api/2/search/jql?jql=order%20by%20key").status, 400)
    }

    func testSearchJql_BadToken_Gets400() throws {
        XCTAssertEqual(try client.send("GET", "/rest/api/2/search/jql?jql=project%3DSUP&nextPageToken=garbage").status, 400)
    }
}
