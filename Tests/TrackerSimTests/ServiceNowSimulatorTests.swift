import Foundation
import TandemHTTP
import TandemJSON
import TrackerSim
import XCTest

final class ServiceNowSimulatorTests: XCTestCase {
    private var simulator: ServiceNowSimulator!
    private var client: SimClient!

    override func setUpWithError() throws {
        simulator = try ServiceNowSimulator(configuration: ServiceNowSimulatorConfiguration(user: "admin", password: "secret"))
        try simulator.start()
        client = SimClient(base: simulator.baseURL)
    }

    override func tearDown() {
        simulator.stop()
    }

    @discardableResult
    private func create(_ fields: JSON = ["short_description": "VPN down"]) throws -> JSON {
        try client.json("POST", "/api/now/table/incident", fields, expect: 201)["result"] ?? .null
    }

    private func numbers(_ path: String) throws -> [String] {
        try client.json("GET", path)["result"]?.arrayValue?.compactMap { $0["number"]?.stringValue } ?? []
    }

    // MARK: - Auth and errors

    func testMissingCredentials_Gets401ServiceNowEnvelope() throws {
        var anonymous = client!
        anonymous.authorization = nil
        let response = try anonymous.send("GET", "/api/now/table/incident")
        XCTAssertEqual(response.status, 401)
        let body = try JSON(parsing: response.body)
        XCTAssertEqual(body["error"]?["message"], "User Not Authenticated")
        XCTAssertEqual(body["error"]?["detail"], "Required to provide Auth information")
        XCTAssertEqual(body["status"], "failure")
    }

    func testWrongPassword_Gets401() throws {
        XCTAssertEqual(try SimClient(base: simulator.baseURL, user: "admin", password: "x").send("GET", "/api/now/table/incident").status, 401)
    }

    func testInvalidTable_Gets400() throws {
        let response = try client.send("GET", "/api/now/table/nope")
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(try JSON(parsing: response.body)["error"]?["message"], "Invalid table nope")
    }

    func testMissingRecord_Gets404NoRecordFound() throws {
        let response = try client.send("GET", "/api/now/table/incident/0123456789abcdef0123456789abcdef")
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(try JSON(parsing: response.body)["error"]?["message"], "No Record found")
    }

    func testUnknownPath_Gets404Envelope() throws {
        let response = try client.send("GET", "/api/now/nothing")
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(try JSON(parsing: response.body)["status"], "failure")
    }

    func testWrongMethod_Gets405Envelope() throws {
        let response = try client.send("PATCH", "/api/now/table/incident")
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(try JSON(parsing: response.body)["status"], "failure")
    }

    func testUnacceptableAccept_Gets406() throws {
        XCTAssertEqual(try client.send("GET", "/api/now/table/incident", headers: ["Accept": "text/html"]).status, 406)
    }

    func testWriteWithoutJSONContentType_Gets415() throws {
        let response = try client.send("POST", "/api/now/table/incident", body: Array(#"{"short_description":"x"}"#.utf8), headers: ["Content-Type": "text/plain"])
        XCTAssertEqual(response.status, 415)
    }

    func testEmptyList_Is200WithEmptyResult() throws {
        XCTAssertEqual(try client.json("GET", "/api/now/table/incident")["result"], [])
    }

    // MARK: - Table API

    func testCreate_Returns201WithLocationNumberAndDefaults() throws {
        let response = try client.send("POST", "/api/now/table/incident", json: ["short_description": "VPN down", "impact": "1", "urgency": "2"])
        XCTAssertEqual(response.status, 201)
        let record = try JSON(parsing: response.body)["result"]
        let sysID = record?["sys_id"]?.stringValue ?? ""
        XCTAssertEqual(sysID.count, 32)
        XCTAssertEqual(response.headers["Location"], "\(simulator.baseURL)/api/now/table/incident/\(sysID)")
        XCTAssertEqual(record?["number"], "INC0010001")
        XCTAssertEqual(record?["state"], "1")
        XCTAssertEqual(record?["priority"], "2")
        XCTAssertEqual(record?["sys_mod_count"], "0")
        XCTAssertEqual(record?["assigned_to"], "")
        XCTAssertNotNil(record?["sys_updated_on"]?.stringValue?.range(of: #"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"#, options: .regularExpression))
    }

    func testNumbers_Increase() throws {
        try create()
        XCTAssertEqual(try create()["number"], "INC0010002")
    }

    func testGetById_ReturnsRecord() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        XCTAssertEqual(try client.json("GET", "/api/now/table/incident/\(sysID)")["result"]?["short_description"], "VPN down")
        XCTAssertEqual(try client.json("GET", "/api/now/v2/table/incident/\(sysID)")["result"]?["sys_id"]?.stringValue, sysID)
    }

    func testPatch_ChangesFieldsAndBumpsModCount() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        let updated = try client.json("PATCH", "/api/now/table/incident/\(sysID)", ["state": "2", "correlation_id": "SUP-1"])["result"]
        XCTAssertEqual(updated?["state"], "2")
        XCTAssertEqual(updated?["incident_state"], "2")
        XCTAssertEqual(updated?["correlation_id"], "SUP-1")
        XCTAssertEqual(updated?["sys_mod_count"], "1")
    }

    func testPut_IsTheSameAsPatch() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        XCTAssertEqual(try client.json("PUT", "/api/now/table/incident/\(sysID)", ["description": "details"])["result"]?["description"], "details")
    }

    func testUpdate_NoChange_DoesNotBumpModCount() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        XCTAssertEqual(try client.json("PATCH", "/api/now/table/incident/\(sysID)", ["short_description": "VPN down"])["result"]?["sys_mod_count"], "0")
    }

    func testUpdate_ResolveWithoutCloseInfo_Gets403DataPolicy() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        let response = try client.send("PATCH", "/api/now/table/incident/\(sysID)", json: ["state": "6"])
        XCTAssertEqual(response.status, 403)
        XCTAssertEqual(try JSON(parsing: response.body)["error"]?["detail"]?.stringValue?.contains("Resolution code"), true)
        XCTAssertEqual(try client.json("GET", "/api/now/table/incident/\(sysID)")["result"]?["state"], "1")
    }

    func testCreate_RefusedByDataPolicy_LeavesNothingBehind() throws {
        let response = try client.send("POST", "/api/now/table/incident", json: ["short_description": "x", "state": "3", "comments": "c"])
        XCTAssertEqual(response.status, 403)
        XCTAssertEqual(try client.json("GET", "/api/now/table/incident")["result"], [])
        XCTAssertEqual(try client.json("GET", "/api/now/table/sys_journal_field")["result"], [])
        XCTAssertEqual(try create()["number"], "INC0010001")
    }

    func testUpdate_CloseSetsInactive() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        let closed = try client.json("PATCH", "/api/now/table/incident/\(sysID)", ["state": "7", "close_code": "Solution provided", "close_notes": "ok"])["result"]
        XCTAssertEqual(closed?["active"], "false")
        XCTAssertNotEqual(closed?["closed_at"], "")
    }

    func testDelete_Returns204WithoutBody() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        let response = try client.send("DELETE", "/api/now/table/incident/\(sysID)")
        XCTAssertEqual(response.status, 204)
        XCTAssertTrue(response.body.isEmpty)
        XCTAssertEqual(try client.send("GET", "/api/now/table/incident/\(sysID)").status, 404)
    }

    func testJournal_CommentsAndWorkNotesBecomeEntries() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        let updated = try client.json("PATCH", "/api/now/table/incident/\(sysID)", ["comments": "customer note", "work_notes": "internal"])["result"]
        XCTAssertEqual(updated?["comments"], "")
        XCTAssertEqual(updated?["sys_mod_count"], "1")
        let entries = try client.json("GET", "/api/now/table/sys_journal_field?sysparm_query=element_id=\(sysID)%5EelementINcomments,work_notes%5EORDERBYsys_created_on")["result"]?.arrayValue ?? []
        XCTAssertEqual(Set(entries.compactMap { $0["value"]?.stringValue }), ["customer note", "internal"])
        XCTAssertEqual(entries.first?["name"], "incident")
        XCTAssertEqual(entries.first?["sys_created_by"], "admin")
    }

    func testUsers_ConfiguredUserExists() throws {
        let users = try client.json("GET", "/api/now/table/sys_user?sysparm_query=user_name=admin")["result"]?.arrayValue ?? []
        XCTAssertEqual(users.count, 1)
        XCTAssertEqual(users.first?["email"], "admin@example.com")
    }

    func testReference_RendersLinkAndValueOrDisplay() throws {
        let beth = try client.json("GET", "/api/now/table/sys_user?user_name=beth.anglin")["result"]?[0]?["sys_id"]?.stringValue ?? ""
        let sysID = try create(["short_description": "x", "assigned_to": .string(beth)])["sys_id"]!.stringValue!
        let raw = try client.json("GET", "/api/now/table/incident/\(sysID)")["result"]?["assigned_to"]
        XCTAssertEqual(raw?["value"]?.stringValue, beth)
        XCTAssertEqual(raw?["link"]?.stringValue, "\(simulator.baseURL)/api/now/table/sys_user/\(beth)")
        let shown = try client.json("GET", "/api/now/table/incident/\(sysID)?sysparm_display_value=true&sysparm_exclude_reference_link=true")["result"]
        XCTAssertEqual(shown?["assigned_to"], "Beth Anglin")
        XCTAssertEqual(shown?["state"], "New")
        let all = try client.json("GET", "/api/now/table/incident/\(sysID)?sysparm_display_value=all")["result"]
        XCTAssertEqual(all?["state"], ["display_value": "New", "value": "1"])
    }

    // MARK: - Lists

    func testList_EncodedQueryOperators() throws {
        try create(["short_description": "Printer on fire", "impact": "1", "urgency": "1"])
        try create(["short_description": "VPN down"])
        try create(["short_description": "printer jam"])
        XCTAssertEqual(try numbers("/api/now/table/incident?sysparm_query=short_descriptionLIKEprinter%5EORDERBYDESCnumber"), ["INC0010003", "INC0010001"])
        XCTAssertEqual(try numbers("/api/now/table/incident?sysparm_query=priority=1%5EORshort_descriptionSTARTSWITHvpn"), ["INC0010001", "INC0010002"])
        XCTAssertEqual(try numbers("/api/now/table/incident?sysparm_query=numberININC0010002,INC0010003%5Enumber!=INC0010003"), ["INC0010002"])
        XCTAssertEqual(try numbers("/api/now/table/incident?sysparm_query=priority%3C5%5Epriority%3E=1"), ["INC0010001"])
    }

    func testList_ByCorrelationID_FollowsUpdatesDeletesAndRefusedWrites() throws {
        let first = try create(["short_description": "a", "correlation_id": "c:1"])["sys_id"]!.stringValue!
        try create(["short_description": "b", "correlation_id": "c:2"])
        let third = try create(["short_description": "c", "correlation_id": "c:1"])["sys_id"]!.stringValue!
        let byC1 = "/api/now/table/incident?sysparm_query=correlation_id=c:1%5EORDERBYsys_created_on"
        XCTAssertEqual(try numbers(byC1), ["INC0010001", "INC0010003"])
        try client.json("PATCH", "/api/now/table/incident/\(first)", ["correlation_id": "c:3"])
        XCTAssertEqual(try numbers(byC1), ["INC0010003"])
        XCTAssertEqual(try numbers("/api/now/table/incident?sysparm_query=correlation_id=c:3%5Eshort_description=a"), ["INC0010001"])
        // Refused by the data policy: the value it tried to write finds nothing.
        XCTAssertEqual(try client.send("PATCH", "/api/now/table/incident/\(third)", json: ["state": "6", "correlation_id": "c:4"]).status, 403)
        XCTAssertEqual(try numbers("/api/now/table/incident?sysparm_query=correlation_id=c:4"), [])
        XCTAssertEqual(try numbers(byC1), ["INC0010003"])
        try client.send("DELETE", "/api/now/table/incident/\(third)")
        XCTAssertEqual(try numbers(byC1), [])
        XCTAssertEqual(try numbers("/api/now/table/incident?sysparm_query=number=INC0010002"), ["INC0010002"])
    }

    func testList_FieldsParameter_LimitsMembers() throws {
        try create()
        let record = try client.json("GET", "/api/now/table/incident?sysparm_fields=number,state,bogus")["result"]?[0]
        XCTAssertEqual(record?.objectValue?.keys.sorted(), ["number", "state"])
    }

    func testList_LimitOffset_TotalCountAndLinkHeaders() throws {
        for _ in 1...5 { try create() }
        let response = try client.send("GET", "/api/now/table/incident?sysparm_limit=2&sysparm_offset=2&sysparm_query=ORDERBYnumber")
        XCTAssertEqual(response.headers["X-Total-Count"], "5")
        XCTAssertEqual(try JSON(parsing: response.body)["result"]?.arrayValue?.compactMap { $0["number"]?.stringValue }, ["INC0010003", "INC0010004"])
        let link = response.headers["Link"] ?? ""
        for rel in ["first", "prev", "next", "last"] { XCTAssertTrue(link.contains("rel=\"\(rel)\""), link) }
        XCTAssertTrue(link.contains("sysparm_offset=4"), link)
    }

    func testList_SinglePage_HasNoLinkHeader() throws {
        try create()
        XCTAssertNil(try client.send("GET", "/api/now/table/incident").headers["Link"])
    }

    func testList_BareFieldParameters_FilterOnlyKnownFields() throws {
        try create()
        try create(["short_description": "other"])
        XCTAssertEqual(try numbers("/api/now/table/incident?short_description=other&file_name=leaked.txt&sysparm_query="), ["INC0010002"])
    }

    func testList_BadQuery_Gets400() throws {
        XCTAssertEqual(try client.send("GET", "/api/now/table/incident?sysparm_query=state").status, 400)
    }

    func testWrite_IgnoresLeakedSysparmQuery() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        let response = try client.send("PUT", "/api/now/table/incident/\(sysID)?sysparm_query=number%3DINC0099999", json: ["description": "d"])
        XCTAssertEqual(response.status, 200)
    }

    // MARK: - Attachments

    func testAttachment_RawUploadRoundTripsExactly() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        let bytes = binaryFixture()
        let response = try client.send("POST", "/api/now/attachment/file?table_name=incident&table_sys_id=\(sysID)&file_name=dump.bin",
                                       body: bytes, headers: ["Content-Type": "application/octet-stream"])
        XCTAssertEqual(response.status, 201, response.text)
        let meta = try JSON(parsing: response.body)["result"]
        XCTAssertEqual(meta?["size_bytes"]?.stringValue, String(bytes.count))
        XCTAssertEqual(meta?["table_sys_id"]?.stringValue, sysID)
        let file = try client.send("GET", meta?["download_link"]?.stringValue ?? "", headers: ["Accept": "*/*"])
        XCTAssertEqual(file.status, 200)
        XCTAssertEqual(sha256Hex(file.body), sha256Hex(bytes))
        XCTAssertNotNil(file.headers["X-Attachment-Metadata"])
    }

    func testAttachment_ListMetadataDelete() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        let meta = try JSON(parsing: try client.send("POST", "/api/now/attachment/file?table_name=incident&table_sys_id=\(sysID)&file_name=a.txt",
                                                      body: Array("hello".utf8), headers: ["Content-Type": "text/plain"]).body)["result"]
        let id = meta?["sys_id"]?.stringValue ?? ""
        let list = try client.json("GET", "/api/now/attachment?sysparm_query=table_sys_id=\(sysID)%5Etable_name=incident")["result"]?.arrayValue ?? []
        XCTAssertEqual(list.compactMap { $0["file_name"]?.stringValue }, ["a.txt"])
        XCTAssertEqual(try client.json("GET", "/api/now/attachment/\(id)")["result"]?["content_type"], "text/plain")
        XCTAssertEqual(try client.send("DELETE", "/api/now/attachment/\(id)").status, 204)
        XCTAssertEqual(try client.send("GET", "/api/now/attachment/\(id)/file").status, 404)
    }

    func testAttachment_MultipartUpload() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        let (body, type) = Multipart.build([
            MultipartPart(name: "table_name", body: Array("incident".utf8)),
            MultipartPart(name: "table_sys_id", body: Array(sysID.utf8)),
            MultipartPart(name: "uploadFile", filename: "m.bin", contentType: "application/octet-stream", body: [0, 255, 13, 10]),
        ])
        let response = try client.send("POST", "/api/now/attachment/upload", body: body, headers: ["Content-Type": type])
        XCTAssertEqual(response.status, 201, response.text)
        XCTAssertEqual(try JSON(parsing: response.body)["result"]?["size_bytes"], "4")
    }

    func testAttachment_MissingParameter_Gets400() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        let response = try client.send("POST", "/api/now/attachment/file?table_name=incident&table_sys_id=\(sysID)",
                                       body: [1], headers: ["Content-Type": "application/octet-stream"])
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(try JSON(parsing: response.body)["error"]?["message"]?.stringValue?.contains("file_name"), true)
    }

    func testAttachment_MissingRecord_Gets404() throws {
        let response = try client.send("POST", "/api/now/attachment/file?table_name=incident&table_sys_id=ffffffffffffffffffffffffffffffff&file_name=a",
                                       body: [1], headers: ["Content-Type": "application/octet-stream"])
        XCTAssertEqual(response.status, 404)
    }

    func testDeleteIncident_RemovesItsAttachments() throws {
        let sysID = try create()["sys_id"]!.stringValue!
        try client.send("POST", "/api/now/attachment/file?table_name=incident&table_sys_id=\(sysID)&file_name=a", body: [1], headers: ["Content-Type": "text/plain"])
        try client.send("DELETE", "/api/now/table/incident/\(sysID)")
        XCTAssertEqual(try client.json("GET", "/api/now/attachment")["result"], [])
    }
}
