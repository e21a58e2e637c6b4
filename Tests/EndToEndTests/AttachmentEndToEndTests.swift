import Foundation
import TandemJSON
import TestSupport
import XCTest

/// Attachments end to end: attachment bytes move between the nodes by
/// SHA-256 and arrive intact, once; one over the receiving connection's limit
/// parks its entity with a reason an operator can act on.
final class AttachmentEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    /// A Jira issue and its ServiceNow twin, both synced.
    private func syncedPair(_ summary: String) throws -> (key: String, sysID: String) {
        let key = try deployment.jira.createIssue(summary)
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: summary) != nil }, deployment.logs)
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: summary)?["sys_id"]?.stringValue)
        return (key, sysID)
    }

    func testAttachmentOf20MiBAddedInJira_ArrivesInServiceNowWithTheSameSHA256() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: nil)
        options.jiraFlags = ["--max-attachment-bytes", String(64 << 20)]
        deployment = try SyncDeployment.local(options)
        let (key, sysID) = try syncedPair("Large attachment")
        let bytes = pseudoRandomBytes(20 << 20, seed: 7)

        try deployment.jira.attachToIssue(key, filename: "dump.bin", bytes: bytes)

        XCTAssertTrue(try eventually(timeout: 60, every: 0.2) { try !deployment.serviceNow.incidentAttachments(sysID).isEmpty },
                      deployment.logs)
        let arrived = try XCTUnwrap(try deployment.serviceNow.incidentAttachments(sysID).first)
        XCTAssertEqual(arrived["file_name"]?.stringValue, "dump.bin")
        XCTAssertEqual(arrived["hash"]?.stringValue, try sha256(bytes), "ServiceNow's own SHA-256 of what it stored")
        let downloaded = try deployment.serviceNow.serviceNowAttachmentBytes(try XCTUnwrap(arrived["sys_id"]?.stringValue))
        XCTAssertEqual(try sha256(downloaded), try sha256(bytes))
    }

    func testSmallAttachmentAddedInServiceNow_ArrivesInJiraWithTheSameBytes() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        let (key, sysID) = try syncedPair("Screenshot from ServiceNow")
        let bytes = pseudoRandomBytes(100_000, seed: 3)

        try deployment.serviceNow.attachToIncident(sysID, filename: "screen.png", bytes: bytes)

        XCTAssertTrue(try eventually(timeout: 20) { try !deployment.jira.issueAttachments(key).isEmpty }, deployment.logs)
        let arrived = try XCTUnwrap(try deployment.jira.issueAttachments(key).first)
        XCTAssertEqual(arrived["filename"]?.stringValue, "screen.png")
        XCTAssertEqual(try deployment.jira.jiraAttachmentBytes(try XCTUnwrap(arrived["id"]?.stringValue)), bytes)
    }

    func testAttachmentOfAnIssueSyncedAgain_IsNeverAddedTwiceOnEitherSide() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        let (key, sysID) = try syncedPair("Attached once")
        try deployment.jira.attachToIssue(key, filename: "notes.txt", bytes: Array("the same bytes".utf8))
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incidentAttachments(sysID).count == 1 }, deployment.logs)

        // Two more replicas that still list the attachment: an edit, then a manual sync.
        try deployment.jira.editIssue(key, ["summary": "Attached once, edited"])
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Attached once, edited") != nil }, deployment.logs)
        try deployment.jira.editIssue(key, ["summary": "Attached once, edited twice"])
        let synced = try deployment.run(["sync", key, "--connection", SyncDeployment.connection], node: "blue")
        XCTAssertEqual(synced.status, 0, synced.stderr)
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Attached once, edited twice") != nil },
                      deployment.logs)
        Thread.sleep(forTimeInterval: 1)  // let any echo run its course

        XCTAssertEqual(try deployment.serviceNow.incidentAttachments(sysID).count, 1)
        XCTAssertEqual(try deployment.jira.issueAttachments(key).count, 1, "the copy in ServiceNow never travels back")
    }

    func testAttachmentPutBeforeACrashButNotRecorded_IsFoundByItsHashNotAddedAgain() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else {
            throw XCTSkip("needs /usr/bin/sqlite3 to rewind the node's store to the moment of the crash")
        }
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        let (key, sysID) = try syncedPair("Crash after put")
        try deployment.jira.attachToIssue(key, filename: "log.txt", bytes: pseudoRandomBytes(50_000, seed: 11))
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incidentAttachments(sysID).count == 1 }, deployment.logs)

        // The store as a crash right after attachment.put leaves it: an open
        // intent, no attachment twin.
        XCTAssertEqual(deployment.green.stop(), 0)
        let rewind = try ChildProcess.run("/usr/bin/sqlite3", [deployment.folder + "/data/green/tandem.db", """
            INSERT INTO attachment_intents SELECT connection, local_entity, remote_attachment, sha256, 0 FROM attachment_twins;
            DELETE FROM attachment_twins;
            """])
        XCTAssertEqual(rewind.status, 0, rewind.stderr)
        try deployment.startNode("green")

        try deployment.jira.editIssue(key, ["summary": "Crash after put, edited"])
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Crash after put, edited") != nil },
                      deployment.logs)
        // Attachments are applied after the fields: the edit shows before they are looked at.
        XCTAssertTrue(eventually { deployment.green.stderr.contains("put before a restart; not adding it again") },
                      deployment.logs)
        XCTAssertEqual(try deployment.serviceNow.incidentAttachments(sysID).count, 1)
    }

    func testAttachmentOverTheLimit_ParksItsIssueWithNameSizeAndLimit_WhileOtherIssuesSync() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: nil)
        options.editConfig = { node, config in
            if node == "green" { config["connections"]?[SyncDeployment.connection]?["maxAttachmentBytes"] = .int(1 << 20) }
        }
        deployment = try SyncDeployment.local(options)
        let (key, sysID) = try syncedPair("Too big to sync")

        try deployment.jira.attachToIssue(key, filename: "video.mp4", bytes: pseudoRandomBytes(2 << 20, seed: 5))
        var listed = ""
        XCTAssertTrue(try eventually(timeout: 20) {
            listed = try deployment.run(["errors", "list"], node: "green").stdout
            return listed.contains("video.mp4")
        }, deployment.logs)
        XCTAssertTrue(listed.contains("2.0 MiB (2097152 bytes)"), listed)
        XCTAssertTrue(listed.contains("maxAttachmentBytes 1048576"), listed)

        _ = try deployment.jira.createIssue("Unrelated issue")
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Unrelated issue") != nil }, deployment.logs)
        XCTAssertEqual(try deployment.serviceNow.incidentAttachments(sysID).count, 0)
    }

    // MARK: - Helpers

    /// `count` bytes from a fixed-seed generator (xorshift), so sizes are exact and content incompressible.
    private func pseudoRandomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return [UInt8](unsafeUninitializedCapacity: count) { bytes, initialized in
            var index = 0
            while index < count {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                var word = state
                for _ in 0..<min(8, count - index) {
                    bytes[index] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    index += 1
                }
            }
            initialized = count
        }
    }

    /// SHA-256 in hex by the system's `sha256sum`, independent of the node's own code.
    private func sha256(_ bytes: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
