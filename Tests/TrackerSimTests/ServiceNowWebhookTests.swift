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

    func testInsertAndUpdate_DeliverTandemEvents() throws {
        let record = try client.json("POST", "/api/now/table/incident", ["short_description": "x"], expect: 201)["result"]
        let sysID = record?["sys_id"]?.stringValue ?? ""
        try client.json("PATCH", "/api/now/table/incident/\(sysID)", ["state": "2", "comments": "note"])
        let payloads = receiver.wait { $0.count >= 2 }
        XCTAssertEqual(payloads.count, 2)
        // Deliveries may arrive out of order, as from the real trackers.
        let insert = payloads.first { $0["operation"] == "insert" }
        XCTAssertEqual(insert?["schema"], "tandem.servicenow.event/1")
        XCTAssertEqual(insert?["number"], "INC0010001")
        let update = payloads.first { $0["operation"] == "update" }
        XCTAssertEqual(update?["operation"], "update")
        XCTAssertEqual(update?["table"], "incident")
        XCTAssertEqual(update?["sys_id"]?.stringValue, sysID)
        XCTAssertEqual(update?["sys_mod_count"], "1")
        XCTAssertEqual(update?["sys_updated_by"], "sync")
        XCTAssertEqual(update?["changed_fields"], ["comments", "incident_state", "state"])
        let request = receiver.requests.first { $0.headers["X-Tandem-Delivery"] == update?["delivery_id"]?.stringValue }
        XCTAssertNotNil(request, "the update's delivery carries its delivery_id")
        XCTAssertEqual(request?.headers["X-Tandem-Signature"]?.count, "sha256=".count + 64)
    }

    func testAttachmentAdded_AnnouncesItsIncidentUnchangedAsAnUpdateByTheUploader_AndItsRemovalNothing() throws {
        let record = try client.json("POST", "/api/now/table/incident", ["short_description": "x"], expect: 201)["result"]
        let sysID = record?["sys_id"]?.stringValue ?? ""
        let added = try client.send("POST", "/api/now/attachment/file?table_name=incident&table_sys_id=\(sysID)&file_name=a.txt",
                                    body: Array("bytes".utf8), headers: ["Content-Type": "text/plain"])
        XCTAssertEqual(added.status, 201)
        let attachmentID = try JSON(parsing: added.body)["result"]?["sys_id"]?.stringValue ?? ""
        XCTAssertEqual(try client.send("DELETE", "/api/now/attachment/\(attachmentID)").status, 204)
        try client.json("PATCH", "/api/now/table/incident/\(sysID)", ["state": "2"])

        _ = receiver.wait { $0.count >= 3 }
        Thread.sleep(forTimeInterval: 0.3)
        // Deliveries may arrive out of order, as from the real trackers.
        let payloads = receiver.wait { $0.count >= 3 }
        XCTAssertEqual(Set(payloads.compactMap { $0["changed_fields"] }), [["short_description"], ["attachments"], ["incident_state", "state"]],
                       "insert, the attachment, the update: the removal sends nothing")
        XCTAssertEqual(payloads.count, 3)
        let attached = try XCTUnwrap(payloads.first { $0["changed_fields"] == ["attachments"] })
        XCTAssertEqual(attached["operation"], "update")
        XCTAssertEqual(attached["sys_id"]?.stringValue, sysID)
        XCTAssertEqual(attached["sys_updated_by"], "sync")
        XCTAssertEqual(attached["sys_mod_count"], "0", "attaching does not change the incident")
        XCTAssertEqual(attached["sys_updated_on"], record?["sys_updated_on"])
    }

    func testNoOpUpdate_SendsNothing() throws {
        let sysID = try client.json("POST", "/api/now/table/incident", ["short_description": "x"], expect: 201)["result"]?["sys_id"]?.stringValue ?? ""
        try client.json("PATCH", "/api/now/table/incident/\(sysID)", ["short_description": "x"])
        try client.send("DELETE", "/api/now/table/incident/\(sysID)")
        let payloads = receiver.wait { $0.count >= 2 }
        XCTAssertEqual(payloads.compactMap { $0["operation"]?.stringValue }, ["insert", "delete"])
    }
}
