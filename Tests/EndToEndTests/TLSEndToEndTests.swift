import Foundation
import TandemHTTP
import TandemJSON
import TestSupport
import XCTest

/// The whole pipeline over HTTPS: both simulators and both nodes serve TLS
/// with certificates from a CA this test creates; peers, webhooks and
/// tracker calls all verify them. Create, edit, comment and a 5 MiB
/// attachment reach the other tracker.
final class TLSEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!
    private let certificates = TemporaryDirectory("e2e-ca")

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    func testCreateEditCommentAndAttachment_SyncOverTLSEverywhere() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: nil)   // webhooks alone: they must cross TLS too
        options.certificateAuthority = try LocalCertificateAuthority(folder: certificates.path + "/ca")
        deployment = try SyncDeployment.local(options)
        XCTAssertTrue(deployment.jiraSim.url.hasPrefix("https://"), deployment.jiraSim.url)
        XCTAssertTrue(deployment.serviceNowSim.url.hasPrefix("https://"), deployment.serviceNowSim.url)
        XCTAssertTrue(deployment.blue.url.hasPrefix("https://"), deployment.blue.url)
        XCTAssertTrue(deployment.green.url.hasPrefix("https://"), deployment.green.url)

        let key = try deployment.jira.createIssue("Over TLS")
        XCTAssertTrue(try eventually(timeout: 60) { try deployment.serviceNow.incident(shortDescription: "Over TLS") != nil }, deployment.logs)
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: "Over TLS")?["sys_id"]?.stringValue)

        try deployment.jira.editIssue(key, ["summary": "Over TLS, edited"])
        XCTAssertTrue(try eventually(timeout: 60) { try deployment.serviceNow.incident(shortDescription: "Over TLS, edited") != nil },
                      deployment.logs)

        try deployment.jira.commentIssue(key, "a comment that crossed TLS twice")
        XCTAssertTrue(try eventually(timeout: 60) {
            try deployment.serviceNow.incidentComments(sysID).contains { $0.contains("a comment that crossed TLS twice") }
        }, deployment.logs)

        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(5 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try deployment.jira.attachToIssue(key, filename: "capture.bin", bytes: bytes)
        XCTAssertTrue(try eventually(timeout: 90, every: 0.2) { try !deployment.serviceNow.incidentAttachments(sysID).isEmpty },
                      deployment.logs)
        let arrived = try XCTUnwrap(try deployment.serviceNow.incidentAttachments(sysID).first)
        XCTAssertEqual(arrived["file_name"]?.stringValue, "capture.bin")
        XCTAssertEqual(try deployment.serviceNow.serviceNowAttachmentBytes(try XCTUnwrap(arrived["sys_id"]?.stringValue)), bytes)
    }

    func testClientWithoutTheCA_IsRefusedWhileTrustingClientsAndOperatorCommandsGetIn() throws {
        var options = SyncDeployment.Options(webhooks: false, pollSeconds: nil)
        options.certificateAuthority = try LocalCertificateAuthority(folder: certificates.path + "/ca")
        deployment = try SyncDeployment.local(options)
        XCTAssertThrowsError(try HTTPClient().send(HTTPClientRequest(method: "GET", url: deployment.blue.url + "/healthz"))) { error in
            XCTAssertTrue("\(error)".contains("certificate verify failed"), "\(error)")
        }
        let trusted = try HTTPClient(caFile: options.certificateAuthority!.caFile).send(
            HTTPClientRequest(method: "GET", url: deployment.blue.url + "/healthz"))
        XCTAssertEqual(trusted.status, 200)
        XCTAssertEqual(try JSON(parsing: trusted.body)["status"]?.stringValue, "ok", "the node reaches its tracker over TLS")
        let status = try deployment.run(["status"], node: "blue")
        XCTAssertEqual(status.status, 0, "operator commands reach an https node: \(status.stderr)")
    }
}
