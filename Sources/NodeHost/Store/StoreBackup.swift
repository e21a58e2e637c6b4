import Foundation
import TandemSQL

/// `tandem backup` and `tandem restore`: a consistent copy of a store, and
/// putting one back so that the peers notice.
///
/// A backup is `VACUUM INTO`: one consistent snapshot, safe while the node
/// runs (WAL lets this reader see the last commit). A restore needs the node
/// stopped (it takes the data folder's lock), replaces `tandem.db` (and drops
/// its WAL, which belongs to the replaced file), checks the copy, and moves
/// the epoch past every one this folder has had, so each peer parks the
/// connection until `tandem recover` rebuilds it.
public enum StoreBackup {
    /// Writes a snapshot of the store in `dataDir` to `target` (which must not exist).
    public static func backup(dataDir: String, to target: String) throws -> StoreIdentity {
        let path = dataDir + "/tandem.db"
        guard FileManager.default.fileExists(atPath: path) else { throw BackupError("no store at \(path)") }
        guard !FileManager.default.fileExists(atPath: target) else { throw BackupError("\(target) exists already; choose a new file") }
        let database = try Database(path: path)
        let identity = try database.query("SELECT id, epoch FROM store_identity LIMIT 1") {
            StoreIdentity(id: $0.text(0) ?? "", epoch: $0.int64(1))
        }.first
        try database.run("VACUUM INTO ?", [.text(target)])
        guard let identity else { throw BackupError("\(path) has no store identity: start the node once with this version first") }
        return identity
    }

    /// Replaces the store in `dataDir` with `source`; returns the restored identity (with its new epoch).
    public static func restore(dataDir: String, from source: String) throws -> StoreIdentity {
        guard FileManager.default.fileExists(atPath: source) else { throw BackupError("no backup at \(source)") }
        let lock = try DataFolderLock(dataDir: dataDir)
        defer { withExtendedLifetime(lock) {} }
        try StoreHealth.quickCheck(path: source)
        let path = dataDir + "/tandem.db"
        let files = FileManager.default
        for suffix in ["", "-wal", "-shm"] where files.fileExists(atPath: path + suffix) {
            try files.removeItem(atPath: path + suffix)
        }
        try files.copyItem(atPath: source, toPath: path)
        let store = try Store(path: path)
        let reached = max(store.identity.epoch, (try StoreMarker.read(dataDir: dataDir)).map { $0.id == store.identity.id ? $0.epoch : 0 } ?? 0)
        try store.write { tx in
            try tx.setStoreEpoch(reached + 1)
            try tx.awaitRecovery(connection: "*", reason: "was restored from a backup (epoch \(reached + 1))")
        }
        let restored = StoreIdentity(id: store.identity.id, epoch: reached + 1)
        try StoreMarker.write(restored, dataDir: dataDir)
        return restored
    }
}

public struct BackupError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
