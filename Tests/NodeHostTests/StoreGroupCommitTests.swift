import Foundation
@testable import NodeHost
import TandemSQL
import XCTest

/// A write returns only once its commit is durable, and writers that commit
/// while a sync runs share the next one.
final class StoreGroupCommitTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "store-group-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try PrivateFiles.directory(root)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    func testAWriteReturnsOnlyOnceItsCommitIsSynced() throws {
        let store = try Store(path: root + "/tandem.db")
        for index in 0..<20 {
            try store.write { _ = try $0.useNonce("n-\(index)") }
            let counts = store.durability
            XCTAssertEqual(counts.synced, counts.committed, "write \(index) returned before its commit was synced")
        }
    }

    func testAWriteThatChangedNothing_CostsNoSync() throws {
        let store = try Store(path: root + "/tandem.db")
        try store.write { _ = try $0.useNonce("once") }
        let before = store.durability
        for _ in 0..<5 { try store.write { _ = try $0.useNonce("once") } }  // already used: no row changes
        try store.write { _ in }
        let after = store.durability
        XCTAssertEqual(after.committed, before.committed)
        XCTAssertEqual(after.syncs, before.syncs)
        try store.write { _ = try $0.useNonce("twice") }
        XCTAssertEqual(store.durability.committed, before.committed + 1, "a write that changed a row is a commit to sync")
        XCTAssertEqual(store.durability.synced, store.durability.committed)
    }

    func testADeferredRead_ReturnsWhileTheSyncOfWhatItSawRuns_AndWaitDurableWaitsForIt() throws {
        let syncing = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let slow = Locked(false)
        let store = try Store(path: root + "/tandem.db") { file in
            if slow.get() {
                syncing.signal()
                release.wait()
            }
            return fdatasync(file)
        }
        slow.set(true)
        let writer = Thread { _ = try? store.write { try $0.useNonce("seen") } }
        writer.start()
        XCTAssertEqual(syncing.wait(timeout: .now() + 10), .success, "the write never reached its sync")

        let read = DispatchSemaphore(value: 0)
        let seen = Locked<(value: Bool, seen: UInt64)?>(nil)
        Thread { seen.set(try? store.readDeferringDurability { try $0.isNonceUsed("seen") }); read.signal() }.start()
        let returned = read.wait(timeout: .now() + 5) == .success
        XCTAssertTrue(returned, "a deferred read waited for a sync that was not its own")
        XCTAssertEqual(seen.get()?.value, true, "the read sees the commit")
        XCTAssertLessThan(store.durability.synced, seen.get()?.seen ?? 0, "what it saw is not durable yet")

        let durable = DispatchSemaphore(value: 0)
        Thread { try? store.waitDurable(seen.get()?.seen ?? 0); durable.signal() }.start()
        XCTAssertEqual(durable.wait(timeout: .now() + 0.3), .timedOut, "waitDurable returned before the sync ended")
        slow.set(false)
        release.signal()
        XCTAssertEqual(durable.wait(timeout: .now() + 10), .success)
        XCTAssertGreaterThanOrEqual(store.durability.synced, seen.get()?.seen ?? .max)
        if !returned { XCTAssertEqual(read.wait(timeout: .now() + 10), .success) }
    }

    func testTheStoreCommitsWithoutSyncingInsideTheCommit() throws {
        let store = try Store(path: root + "/tandem.db")
        let level = try store.read { try $0.query("PRAGMA synchronous") { $0.int(0) }.first }
        XCTAssertEqual(level, 1, "synchronous=NORMAL: the sync happens after the store's lock is released")
    }

    func testANewStore_HasSmallPages_AnOldOneKeepsItsOwn() throws {
        let store = try Store(path: root + "/tandem.db")
        XCTAssertEqual(try store.read { try $0.query("PRAGMA page_size") { $0.int(0) }.first }, Store.pageSize)
        let old = try Database(path: root + "/old.db", pageSize: 4096)
        try old.execute("CREATE TABLE t (x)")
        let reopened = try Store(path: root + "/old.db")
        XCTAssertEqual(try reopened.read { try $0.query("PRAGMA page_size") { $0.int(0) }.first }, 4096)
    }

    func testTheStore_CopiesItsWALLessOftenThanSQLitesDefault_ByBytesWhateverItsPageSize() throws {
        let store = try Store(path: root + "/tandem.db")
        XCTAssertEqual(store.checkpointFrames, Store.checkpointBytes / Store.pageSize)
        XCTAssertGreaterThan(store.checkpointFrames, 1000)
        let old = try Database(path: root + "/old.db", pageSize: 4096)
        try old.execute("CREATE TABLE t (x)")
        XCTAssertEqual(try Store(path: root + "/old.db").checkpointFrames, Store.checkpointBytes / 4096)
    }

    func testTheWAL_IsCopiedOnTheCheckpointersThread_AndStartsAgainInsteadOfGrowing() throws {
        let frames = 64
        let store = try Store(path: root + "/tandem.db", checkpointBytes: frames * Store.pageSize)
        for index in 0..<600 { try store.write { _ = try $0.useNonce("n-\(index)") } }
        let deadline = Date().addingTimeInterval(10)
        while store.checkpoints == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertGreaterThan(store.checkpoints, 0, "the checkpointer never copied the WAL")
        try store.write { _ = try $0.useNonce("last") }
        let wal = try FileManager.default.attributesOfItem(atPath: root + "/tandem.db-wal")[.size] as? Int ?? 0
        // 600 commits of two frames or more: over 2.4 MB of WAL if it were never started again.
        XCTAssertLessThan(wal, (4 * frames + 16) * (Store.pageSize + 24), "the WAL grew past four times the threshold")
    }

    func testWritesCommittedWhileASyncRuns_ShareTheNextSync() throws {
        let store = try Store(path: root + "/tandem.db")
        let before = store.durability
        let threads = 8, writesEach = 50
        let failures = ErrorList()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<writesEach {
                do { try store.write { _ = try $0.useNonce("n-\(thread)-\(index)") } } catch { failures.append(error) }
            }
        }
        XCTAssertEqual(failures.errors.count, 0, "\(failures.errors)")
        let after = store.durability
        let writes = after.committed - before.committed
        let syncs = after.syncs - before.syncs
        XCTAssertEqual(writes, UInt64(threads * writesEach))
        XCTAssertEqual(after.synced, after.committed)
        XCTAssertLessThan(syncs, writes, "every write paid its own sync")
    }
}

private final class ErrorList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Error] = []
    func append(_ error: Error) { lock.withLock { list.append(error) } }
    var errors: [Error] { lock.withLock { list } }
}
