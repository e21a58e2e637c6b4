import Foundation
import TandemSQL

/// Makes the store's commits durable many at a time, outside its lock.
///
/// The store commits with `synchronous=NORMAL` (no sync in COMMIT) and then
/// waits here until an `fdatasync` of the WAL, begun after its commit, has
/// returned. Writers that commit while one sync runs share the next one, and
/// none holds the store's lock while the disk works: the cost of a sync per
/// acknowledged write, without one sync per commit in a row.
///
/// Invariants: `committed` counts commits whose frames are in the WAL (it is
/// bumped under the store's lock, after COMMIT returned); `synced` is the
/// highest count a completed sync began after, so every commit up to it
/// survives power loss. A read waits for the commits it could see, so
/// nothing leaves the node (an answer, a replica, a tracker write) that a
/// power loss could take back.
///
/// Thread: any.
final class GroupCommit: @unchecked Sendable {
    private let walPath: String
    private let databasePath: String
    private let condition = NSCondition()
    private var committed: UInt64 = 0
    private var synced: UInt64 = 0
    private var syncing = false
    private var syncs: UInt64 = 0
    /// The WAL, opened at the first sync; reopened if the file was replaced.
    private var wal: Int32 = -1

    private let syncFile: @Sendable (Int32) -> Int32

    init(databasePath: String, syncFile: @escaping @Sendable (Int32) -> Int32) {
        self.databasePath = databasePath
        self.syncFile = syncFile
        walPath = databasePath + "-wal"
    }

    deinit { if wal >= 0 { close(wal) } }

    /// Called under the store's lock right after a COMMIT: the ticket to wait for.
    func didCommit() -> UInt64 {
        condition.withLock {
            committed += 1
            return committed
        }
    }

    /// The ticket covering every commit so far (for a read).
    var latest: UInt64 { condition.withLock { committed } }

    /// Commits made, commits known durable, and the syncs that made them so.
    var counts: (committed: UInt64, synced: UInt64, syncs: UInt64) {
        condition.withLock { (committed, synced, syncs) }
    }

    /// Returns once commit `ticket` is durable: one caller syncs for all
    /// that wait, the others sleep until a sync begun after their commit ends.
    ///
    /// - Throws: `SQLError` (SQLITE_IOERR_FSYNC) when the sync fails: the
    ///   commits it covered may not survive power loss.
    func waitDurable(_ ticket: UInt64) throws(SQLError) {
        condition.lock()
        defer { condition.unlock() }
        while synced < ticket {
            if syncing {
                condition.wait()
                continue
            }
            syncing = true
            let target = committed
            condition.unlock()
            let failure = sync()
            condition.lock()
            syncs += 1
            syncing = false
            condition.broadcast()
            if let failure { throw failure }
            synced = max(synced, target)
        }
    }

    /// `fdatasync` of the WAL (of the database file when there is no WAL);
    /// called without the condition's lock, by one thread at a time.
    private func sync() -> SQLError? {
        var current = stat()
        let walExists = stat(walPath, &current) == 0
        if wal >= 0 {
            var opened = stat()
            if !walExists || fstat(wal, &opened) != 0 || opened.st_ino != current.st_ino || opened.st_dev != current.st_dev {
                close(wal)
                wal = -1
            }
        }
        if wal < 0 {
            wal = open(walExists ? walPath : databasePath, O_RDONLY | O_CLOEXEC)
            if wal < 0 { return failure("open", path: walExists ? walPath : databasePath) }
            if !walExists {
                // Sync the main file this once; look for a WAL again next time.
                defer { close(wal); wal = -1 }
                return syncFile(wal) == 0 ? nil : failure("fdatasync", path: databasePath)
            }
        }
        return syncFile(wal) == 0 ? nil : failure("fdatasync", path: walPath)
    }

    private func failure(_ call: String, path: String) -> SQLError {
        SQLError(code: Self.ioErrorFsync, message: "\(call) '\(path)': \(String(cString: strerror(errno)))",
                 context: "making commits durable")
    }

    /// SQLITE_IOERR_FSYNC.
    private static let ioErrorFsync: Int32 = 10 | (4 << 8)
}
