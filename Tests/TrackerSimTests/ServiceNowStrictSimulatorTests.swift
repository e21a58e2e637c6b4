import TandemHTTP
import TandemJSON
import TrackerSim
import XCTest

/// The ServiceNow simulator's strict options: ACLs applied after
/// `sysparm_limit`, and an account that may not read the journal.
final class ServiceNowStrictSimulatorTests: XCTestCase {
    func testACL_HidesRecordsAfterTheLimitSoPagesComeBackShort() throws {
        var configuration = ServiceNowSimulatorConfiguration(user: "admin", password: "secret")
        configuration.aclHiddenMarker = "[restricted]"
        let simulator = try ServiceNowSimulator(configuration: configuration)
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        var ids: [String] = []
        for number in 1...4 {
            let text = number % 2 == 0 ? "[restricted] r\(number)" : "r\(number)"
            let created = try client.json("POST", "/api/now/table/incident", ["short_description": .string(text)], expect: 201)
            ids.append(created["result"]?["sys_id"]?.stringValue ?? "")
        }
        let response = try client.send("GET", "/api/now/table/incident?sysparm_limit=2&sysparm_query=ORDERBYnumber")
        XCTAssertEqual(response.headers["X-Total-Count"], "4", "the count is taken before the ACL")
        XCTAssertEqual(try JSON(parsing: response.body)["result"]?.arrayValue?.count, 1, "a page of two with one hidden")
        XCTAssertEqual(try client.send("GET", "/api/now/table/incident/\(ids[1])").status, 404)
    }

    func testJournalReadDenied_Answers403() throws {
        var configuration = ServiceNowSimulatorConfiguration(user: "admin", password: "secret")
        configuration.journalReadable = false
        let simulator = try ServiceNowSimulator(configuration: configuration)
        try simulator.start()
        defer { simulator.stop() }
        let response = try SimClient(base: simulator.baseURL).send("GET", "/api/now/table/sys_journal_field?sysparm_limit=1")
        XCTAssertEqual(response.status, 403)
        XCTAssertTrue(response.text.contains("Insufficient rights to query records"), response.text)
    }
}
