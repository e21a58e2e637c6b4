import Foundation
import TandemJSON
import TestSupport
import XCTest

/// A node whose store is lost or put back from a backup neither starts as if
/// nothing happened nor has its restarted sequence numbers dropped by the
/// peer: the peer parks the connection, and `tandem recover` rebuilds it so
/// that both trackers converge with nothing lost or created twice.
final class StoreRecoveryEndToEndTests: XCTestCase {
    private var nodes: FileStoreNodePair!
    private var blue: Process?

    override func tearDown() {
        if let blue, blue.isRunning { blue.terminate(); blue.waitUntilExit() }
        nodes?.stop()
    }

    /// Blue and green in sync over FS-1 "one" and FS-2 "two", then blue stopped.
    private func syncedPairWithBlueStopped() throws {
        nodes = try FileStoreNodePair(fault: nil)
        try nodes.addBlueEntity(1, summary: "one")
        try nodes.addBlueEntity(2, summary: "two")
        try nodes.startGreen()
        let running = try nodes.launchBlue()
        blue = running
        XCTAssertTrue(eventually(timeout: 60, every: 0.2) {
            nodes.greenSummaries() == ["one", "two"] && nodes.blueAdmin.isIdle && nodes.greenAdmin.isIdle
        }, nodes.logs)
        running.terminate()
        running.waitUntilExit()
    }

    private var blueConfig: String { nodes.folder.file("blue.json") }
    private var blueStore: String { nodes.folder.file("data-blue/tandem.db") }

    /// Starts blue and waits for it to give up; returns its log.
    private func startRefused(_ extra: [String] = []) throws -> String {
        let refused = try nodes.launchBlue(extra)
        XCTAssertTrue(eventually(timeout: 60) { !refused.isRunning }, "blue refused to start\n\(nodes.logs)")
        refused.waitUntilExit()
        XCTAssertEqual(refused.terminationStatus, 1)
        return nodes.blueLog
    }

    private func assertConverged(_ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(eventually(timeout: 90, every: 0.25) {
            nodes.summaries("blue") == expected && nodes.summaries("green") == expected
                && nodes.blueAdmin.isIdle && nodes.greenAdmin.isIdle
        }, "blue \(nodes.summaries("blue")), green \(nodes.summaries("green"))\n\(nodes.logs)", file: file, line: line)
        // Settled: nothing more arrives, nothing is duplicated later.
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(nodes.summaries("blue"), expected, file: file, line: line)
        XCTAssertEqual(nodes.summaries("green"), expected, file: file, line: line)
    }

    func testAnEmptiedStore_RefusesToStart_NamingTheStoreItHad() throws {
        try syncedPairWithBlueStopped()
        XCTAssertTrue(FileManager.default.createFile(atPath: blueStore, contents: Data()))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: blueStore + suffix) }
        let log = try startRefused()
        XCTAssertTrue(log.contains("tandem.db is empty, but this data folder held store"), log)
        XCTAssertTrue(log.contains("--new-store"), log)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: blueStore)[.size] as? Int), 0, "nothing was created in its place")
    }

    /// A damaged record of the store the folder held is not the absence of
    /// one: read as "no store before", it let an emptied store start afresh.
    func testAnEmptiedStoreBesideADamagedStoreRecord_RefusesToStart() throws {
        try syncedPairWithBlueStopped()
        XCTAssertTrue(FileManager.default.createFile(atPath: blueStore, contents: Data()))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: blueStore + suffix) }
        try "{\"id\": \"trunc".write(toFile: nodes.folder.file("data-blue/store-id"), atomically: true, encoding: .utf8)
        let log = try startRefused()
        XCTAssertTrue(log.contains("store-id is damaged"), log)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: blueStore)[.size] as? Int), 0, "nothing was created in its place")
    }

    func testALostStore_BegunAgainAndRecovered_ConvergesWithNothingLostOrDuplicated() throws {
        try syncedPairWithBlueStopped()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: blueStore + suffix) }
        try nodes.edit("green", where: "one", to: "one, edited on green")

        let running = try nodes.launchBlue(["--new-store"])
        blue = running
        try nodes.edit("blue", where: "two", to: "two, edited on blue")
        XCTAssertTrue(eventually(timeout: 60, every: 0.2) {
            (nodes.greenAdmin.send("GET", "/admin/v1/errors")?["errors"]?.arrayValue ?? []).contains {
                $0["stage"]?.stringValue == "peer-store" && ($0["reason"]?.stringValue ?? "").contains("was lost and begun again")
            }
        }, "green parks the connection instead of dropping blue's messages\n\(nodes.logs)")
        let blueReady = try nodes.blueAdmin.request("GET", "/readyz")
        XCTAssertEqual(blueReady.status, 503)
        XCTAssertTrue(blueReady.text.contains("run `tandem recover --connection files` here"), blueReady.text)
        XCTAssertTrue(try nodes.greenAdmin.request("GET", "/readyz").text.contains("the peer's store changed"))

        let recovered = try nodes.tandem(["recover", "--connection", "files", "--config", blueConfig])
        XCTAssertEqual(recovered.status, 0, recovered.stderr + nodes.logs)
        assertConverged(["one, edited on green", "two, edited on blue"])
        XCTAssertEqual(try nodes.blueAdmin.request("GET", "/readyz").status, 200)
        XCTAssertEqual(try nodes.greenAdmin.request("GET", "/readyz").status, 200)
        XCTAssertEqual(nodes.greenAdmin.send("GET", "/admin/v1/errors")?["errors"]?.arrayValue?.count, 0)
    }

    func testARestoredBackup_IsRecoveredWithTheChangesMadeSinceOnBothSides() throws {
        try syncedPairWithBlueStopped()
        let backup = nodes.folder.file("blue-backup.db")
        let backedUp = try nodes.tandem(["backup", "--config", blueConfig, "--to", backup])
        XCTAssertEqual(backedUp.status, 0, backedUp.stderr)

        // Life goes on after the backup: a new entity on blue, an edit on green.
        let running = try nodes.launchBlue()
        blue = running
        try nodes.addBlueEntity(3, summary: "three")
        XCTAssertTrue(eventually(timeout: 60, every: 0.2) { nodes.greenSummaries().contains("three") }, nodes.logs)
        try nodes.edit("green", where: "one", to: "one, edited on green")
        XCTAssertTrue(eventually(timeout: 60, every: 0.2) {
            nodes.summaries("blue").contains("one, edited on green") && nodes.blueAdmin.isIdle && nodes.greenAdmin.isIdle
        }, nodes.logs)
        running.terminate()
        running.waitUntilExit()

        let refused = try nodes.tandem(["restore", "--config", blueConfig, "--from", nodes.folder.file("missing.db")])
        XCTAssertNotEqual(refused.status, 0)
        let restored = try nodes.tandem(["restore", "--config", blueConfig, "--from", backup])
        XCTAssertEqual(restored.status, 0, restored.stderr)
        XCTAssertTrue(restored.stdout.contains("epoch 2"), restored.stdout)

        let again = try nodes.launchBlue()
        blue = again
        try nodes.edit("green", where: "two", to: "two, edited on green")
        XCTAssertTrue(eventually(timeout: 60, every: 0.2) {
            (nodes.greenAdmin.send("GET", "/admin/v1/errors")?["errors"]?.arrayValue ?? []).contains {
                ($0["reason"]?.stringValue ?? "").contains("was restored from a backup (epoch 1 → 2)")
            }
        }, nodes.logs)
        let recovered = try nodes.tandem(["recover", "--connection", "files", "--config", blueConfig])
        XCTAssertEqual(recovered.status, 0, recovered.stderr + nodes.logs)
        assertConverged(["one, edited on green", "three", "two, edited on green"])
    }

    func testASecondNodeOnTheSameDataFolder_StopsNamingTheFirst() throws {
        nodes = try FileStoreNodePair(fault: nil)
        try nodes.startGreen()
        let first = try nodes.launchBlue()
        blue = first
        XCTAssertTrue(eventually(timeout: 60) { (try? nodes.blueAdmin.request("GET", "/readyz").status) == 200 }, nodes.logs)
        let log = try startRefused()
        XCTAssertTrue(log.contains("is in use by another tandem process (pid \(first.processIdentifier))"), log)
        XCTAssertTrue(first.isRunning)
    }
}
