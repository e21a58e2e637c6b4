import Foundation
import TandemJSON
import TrackerSim
import XCTest

final class ServiceNowWebhookTests: XCTestCase {
    private var receiver: WebhookReceiver!
    private var simulator: ServiceNowSimulator!
    private var client: SimClient!

    override func setUpWithError() throws {
        receiver = try WebhookReceiver()
        var configuration = ServiceNowSimulatorConfiguration(user: "sync", password: "secret", webhooks: [receiver.url])
        configuration.webhookSecret = "hook-secret"
        simulator = try ServiceNowSimulator(configuration: configuration)
        try simulator.start()
        client = SimClient(base: simulator.baseURL, user: "sync", password: "secret")
    }

    override func tearDown() {
        simulator.stop()
        receiver.stop()
    }

    func testAWriteThroughAFurtherAccount_NamesThatAccountAsTheActor() throws {
        simulator.stop()
        var configuration = ServiceNowSimulatorConfiguration(user: "sync", password: "secret", webhooks: [receiver.url])
        configuration.accounts = [SimAccount(user: "tandem-integration", password: "integration-secret")]
        simulator = try ServiceNowSimulator(configuration: configuration)
        try simulator.start()
        let people = SimClient(base: simulator.baseURL, user: "sync", password: "secret")
        let node = SimClient(base: simulator.baseURL, user: "tandem-integration", password: "integration-secret")
        let record = try people.json("POST", "/api/now/table/incident", ["short_description": "x"], expect: 201)["result"]
        try node.json("PATCH", "/api/now/table/incident/\(record?["sys_id"]?.stringValue ?? "")", ["short_description": "y"])
        let payloads = receiver.wait { $0.count >= 2 }
        XCTAssertEqual(payloads.map { $0["sys_updated_by"] }, ["sync", "tandem-integration"])
        let users = try people.json("GET", "/api/now/table/sys_user?sysparm_query=user_name=tandem-integration")["result"]?.arrayValue
        XCTAssertEqual(users?.count, 1, "the further account is a user of the instance")
        XCTAssertEqual(try SimClient(base: simulator.baseURL, user: "tandem-integration", password: "secret")
            .send("GET", "/api/now/table/incident").status, 401, "each account signs in with its own password only")
    }

    func testInsertAndUpdate_DeliverTandemEvents() throws {
        let record = try client.json("POST", "/api/now/table/incident", ["short_description": "x"], expect: 201)["result"]
        let sysID = record?["sys_id"]?.stringValue ?? ""
        try client.json("PATCH", "/api/now/table/incident/\(sysID)", ["state": "2", "comments": "note"])
        let payloads = receiver.wait { $0.count >= 2 }
        XCTAssertEqual(payloads.count, 2)
        XCTAssertEqual(payloads.first?["schema"], "tandem.servicenow.event/1")
        XCTAssertEqual(payloads.first?["operation"], "insert")
        XCTAssertEqual(payloads.first?["number"], "INC0010001")
        let update = payloads.last
        XCTAssertEqual(update?["operation"], "update")
        XCTAssertEqual(update?["table"], "incident")
        XCTAssertEqual(update?["sys_id"]?.stringValue, sysID)
        XCTAssertEqual(update?["sys_mod_count"], "1")
        XCTAssertEqual(update?["sys_updated_by"], "sync")
        XCTAssertEqual(update?["changed_fields"], ["comments", "incident_state", "state"])
        let request = receiver.requests.last
        XCTAssertEqual(request?.headers["X-Tandem-Delivery"], update?["delivery_id"]?.stringValue)
        XCTAssertEqual(request?.headers["X-Tandem-Signature"]?.count, "sha256=".count + 64)
    }

    func testNoOpUpdate_SendsNothing() throws {
        let sysID = try client.json("POST", "/api/now/table/incident", ["short_description": "x"], expect: 201)["result"]?["sys_id"]?.stringValue ?? ""
        try client.json("PATCH", "/api/now/table/incident/\(sysID)", ["short_description": "x"])
        try client.send("DELETE", "/api/now/table/incident/\(sysID)")
        let payloads = receiver.wait { $0.count >= 2 }
        XCTAssertEqual(payloads.compactMap { $0["operation"]?.stringValue }, ["insert", "delete"])
    }
}
