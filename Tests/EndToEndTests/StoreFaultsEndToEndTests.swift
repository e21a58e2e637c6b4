import Foundation
import TandemJSON
import TestSupport
import XCTest

/// The store's faults are loud: a damaged file or an unwritable folder stops
/// the start with the reason, and a full disk pauses the node (saying so once
/// per interval, reporting not ready) until space returns, losing nothing.
final class StoreFaultsEndToEndTests: XCTestCase {
    private var nodes: FileStoreNodePair!
    private var blue: Process?
    private var mounted: [String] = []

    override func tearDown() {
        if let blue, blue.isRunning { blue.terminate(); blue.waitUntilExit() }
        nodes?.stop()
        for point in mounted { _ = try? ChildProcess.run("/bin/umount", ["-l", point]) }
    }

    /// Mounts a tmpfs at `path` (root only; the test is skipped elsewhere).
    private func mountTmpfs(_ path: String, options: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let result = try ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", path])
        guard result.status == 0 else { throw XCTSkip("cannot mount a tmpfs here: \(result.stderr)") }
        mounted.append(path)
    }

    private func startRefused() throws -> String {
        let refused = try nodes.launchBlue()
        XCTAssertTrue(eventually(timeout: 60) { !refused.isRunning }, nodes.logs)
        refused.waitUntilExit()
        XCTAssertEqual(refused.terminationStatus, 1)
        return nodes.blueLog
    }

    func testADamagedStore_RefusesToStart_QuotingSQLite() throws {
        nodes = try FileStoreNodePair(fault: nil)
        try nodes.addBlueEntity(1, summary: "one")
        try nodes.startGreen()
        let running = try nodes.launchBlue()
        XCTAssertTrue(eventually(timeout: 60, every: 0.2) { nodes.greenSummaries() == ["one"] && nodes.blueAdmin.isIdle }, nodes.logs)
        running.terminate()
        running.waitUntilExit()
        // A clean single file (no WAL to hide the damage), then 8 KiB of garbage in its middle.
        let store = nodes.folder.file("data-blue/tandem.db")
        let copy = nodes.folder.file("clean.db")
        XCTAssertEqual(try nodes.tandem(["backup", "--config", nodes.folder.file("blue.json"), "--to", copy]).status, 0)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        try FileManager.default.copyItem(atPath: copy, toPath: store)
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: store)[.size] as? Int)
        XCTAssertGreaterThan(size, 32 * 1024)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: store))
        try handle.seek(toOffset: UInt64(size / 2 / 4096 * 4096))
        handle.write(Data((0..<8192).map { _ in UInt8.random(in: 0...255) }))
        try handle.close()

        let log = try startRefused()
        XCTAssertTrue(log.contains("is damaged; SQLite says: "), log)
        XCTAssertTrue(log.contains("tandem restore"), log)
    }

    func testAReadOnlyDataFolder_StopsTheStartNamingIt() throws {
        nodes = try FileStoreNodePair(fault: nil)
        try mountTmpfs(nodes.folder.file("data-blue"), options: "ro,size=1m")
        let log = try startRefused()
        XCTAssertTrue(log.contains("the data folder \(nodes.folder.file("data-blue")) is not writable (Read-only file system)"), log)
    }

    func testAFullDisk_PausesTheNodeAndSaysSo_ThenItCarriesOnAloneWhenSpaceReturns() throws {
        nodes = try FileStoreNodePair(fault: nil)
        let data = nodes.folder.file("data-blue")
        try mountTmpfs(data, options: "size=4m")
        try nodes.addBlueEntity(1, summary: "before")
        try nodes.startGreen()
        let running = try nodes.launchBlue()
        blue = running
        XCTAssertTrue(eventually(timeout: 60, every: 0.2) { nodes.greenSummaries() == ["before"] && nodes.blueAdmin.isIdle }, nodes.logs)

        let filler = data + "/filler"
        FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: filler))
        let chunk = Data(count: 64 * 1024)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()
        for id in 2...4 { try nodes.addBlueEntity(id, summary: "while full \(id)") }

        XCTAssertTrue(eventually(timeout: 60, every: 0.2) {
            guard let readyz = try? nodes.blueAdmin.request("GET", "/readyz") else { return false }
            return readyz.status == 503 && readyz.text.contains("the store is failing")
        }, nodes.logs)
        let health = try nodes.blueAdmin.request("GET", "/healthz").json
        XCTAssertEqual(health["status"], "degraded")
        Thread.sleep(forTimeInterval: 3)
        let said = nodes.blueLog.components(separatedBy: "the disk holding the store is full").count - 1
        XCTAssertGreaterThanOrEqual(said, 1)
        XCTAssertLessThanOrEqual(said, 3, "said once per interval, not in a loop\n\(nodes.logs)")
        XCTAssertTrue((try nodes.blueAdmin.request("GET", "/metrics")).text.contains("tandem_store_errors_total{operation=\"write\"}"))

        try FileManager.default.removeItem(atPath: filler)
        XCTAssertTrue(eventually(timeout: 90, every: 0.25) {
            nodes.greenSummaries() == ["before", "while full 2", "while full 3", "while full 4"]
        }, "nothing noticed while full was lost\n\(nodes.logs)")
        XCTAssertTrue(eventually(timeout: 30) { (try? nodes.blueAdmin.request("GET", "/readyz").status) == 200 }, nodes.logs)
        XCTAssertTrue(running.isRunning)
    }
}
