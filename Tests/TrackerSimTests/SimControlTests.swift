import Foundation
import TandemJSON
import TrackerSim
import XCTest

/// `/_sim/stats`, `/_sim/faults` and the faults they control, on both simulators.
final class SimControlTests: XCTestCase {
    func testStats_CountRequestsAndWrites_NotControlCalls() throws {
        let simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "admin", password: "secret"))
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        try client.json("GET", "/rest/api/2/myself")
        try client.json("POST", "/rest/api/2/issue", ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": "s"]], expect: 201)
        try client.send("DELETE", "/rest/api/2/issue/SUP-1")
        let stats = try client.json("GET", "/_sim/stats")
        XCTAssertEqual(stats, ["requests": 3, "writes": 2, "legacySearches": 0, "usernameLookups": 0])
        XCTAssertEqual(simulator.stats, SimStatsSnapshot(requests: 3, writes: 2))
    }

    func testStatsReset_ZeroesCounters() throws {
        let simulator = try ServiceNowSimulator(configuration: ServiceNowSimulatorConfiguration(user: "admin", password: "secret"))
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        try client.json("POST", "/api/now/table/incident", ["short_description": "x"], expect: 201)
        XCTAssertEqual(try client.send("POST", "/_sim/stats/reset").status, 204)
        XCTAssertEqual(try client.json("GET", "/_sim/stats"), ["requests": 0, "writes": 0, "legacySearches": 0, "usernameLookups": 0])
    }

    func testRateLimit_Answers429WithWholeSecondRetryAfter() throws {
        let simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "admin", password: "secret", faults: FaultPolicy(rateLimitPerSecond: 2)))
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        let statuses = try (0..<6).map { _ in try client.send("GET", "/rest/api/2/myself") }
        let limited = statuses.filter { $0.status == 429 }
        XCTAssertFalse(limited.isEmpty)
        XCTAssertLessThanOrEqual(statuses.filter { $0.status == 200 }.count, 4, "at most two per second, over at most two seconds")
        let retryAfter = limited.first?.headers["Retry-After"] ?? ""
        XCTAssertNotNil(Int(retryAfter), retryAfter)
        XCTAssertNotNil(try JSON(parsing: limited.first!.body)["errorMessages"])
    }

    func testRateLimit_ServiceNowUsesItsEnvelope() throws {
        let simulator = try ServiceNowSimulator(configuration: ServiceNowSimulatorConfiguration(user: "admin", password: "secret", faults: FaultPolicy(rateLimitPerSecond: 1)))
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        let limited = try (0..<4).map { _ in try client.send("GET", "/api/now/table/incident") }.first { $0.status == 429 }
        XCTAssertEqual(try JSON(parsing: limited?.body ?? [])["error"]?["message"], "Rate limit exceeded")
        XCTAssertNotNil(limited?.headers["X-RateLimit-Limit"])
    }

    func testFailRateOne_Answers503() throws {
        let simulator = try ServiceNowSimulator(configuration: ServiceNowSimulatorConfiguration(user: "admin", password: "secret", faults: FaultPolicy(failRate: 1)))
        try simulator.start()
        defer { simulator.stop() }
        let response = try SimClient(base: simulator.baseURL).send("GET", "/api/now/table/incident")
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(try JSON(parsing: response.body)["status"], "failure")
    }

    func testFaultsEndpoint_ChangesPolicyAtRunTime() throws {
        let simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "admin", password: "secret"))
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        XCTAssertEqual(try client.json("PUT", "/_sim/faults", ["failRate": 1])["failRate"], 1.0)
        XCTAssertEqual(try client.send("GET", "/rest/api/2/myself").status, 503)
        try client.json("PUT", "/_sim/faults", ["failRate": 0])
        XCTAssertEqual(try client.send("GET", "/rest/api/2/myself").status, 200)
        XCTAssertEqual(simulator.faults, FaultPolicy())
    }

    func testFaultsEndpoint_BadValue_Gets400AndKeepsPolicy() throws {
        let simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "admin", password: "secret"))
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        XCTAssertEqual(try client.send("PUT", "/_sim/faults", json: ["failRate": 7]).status, 400)
        XCTAssertEqual(try client.json("GET", "/_sim/faults")["failRate"], 0.0)
    }
    /// A deterministic 503 for one chosen request, e.g. the second of two
    /// workflow transitions, to cut a multi-step write in the middle.
    func testFailRequests_FailsOnlyTheChosenMatchingRequests() throws {
        let simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "admin", password: "secret"))
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        try client.json("POST", "/rest/api/2/issue", ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": "s"]], expect: 201)
        let fault: JSON = ["method": "POST", "pathSuffix": "/transitions", "skip": 1, "count": 1, "afterHandling": false]
        XCTAssertEqual(try client.json("POST", "/_sim/faults", ["failRequests": fault])["failRequests"], fault)
        let transition = { (id: String) in try client.send("POST", "/rest/api/2/issue/SUP-1/transitions", json: ["transition": ["id": .string(id)]]).status }
        XCTAssertEqual(try transition("21"), 204, "the first match passes")
        XCTAssertEqual(try client.send("GET", "/rest/api/2/issue/SUP-1/transitions").status, 200, "a GET does not match")
        XCTAssertEqual(try transition("31"), 503, "the second match fails")
        XCTAssertEqual(try transition("31"), 204, "and only once")
        XCTAssertEqual(try client.send("PUT", "/_sim/faults", json: ["failRequests": ["method": "POST", "skip": 0, "count": 1]]).status, 400,
                       "a fault without a path is refused")
    }

    /// The answer lost after the tracker committed: the client sees a 503 for
    /// a write that happened.
    func testFailRequestsAfterHandling_TheWriteTakesEffectAndItsAnswerIs503() throws {
        let simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "admin", password: "secret"))
        try simulator.start()
        defer { simulator.stop() }
        let client = SimClient(base: simulator.baseURL)
        let fault: JSON = ["method": "POST", "pathSuffix": "/issue", "skip": 0, "count": 1, "afterHandling": true]
        XCTAssertEqual(try client.json("POST", "/_sim/faults", ["failRequests": fault])["failRequests"], fault)
        let create = { try client.send("POST", "/rest/api/2/issue", json: ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": "s"]]).status }
        XCTAssertEqual(try create(), 503)
        XCTAssertEqual(try client.send("GET", "/rest/api/2/issue/SUP-1").status, 200, "the issue was created all the same")
        XCTAssertEqual(try create(), 201, "and only once")
        XCTAssertEqual(try client.send("PUT", "/_sim/faults", json: ["failRequests": ["method": "POST", "pathSuffix": "/issue", "afterHandling": 1]]).status,
                       400, "afterHandling is a boolean")
    }
}
