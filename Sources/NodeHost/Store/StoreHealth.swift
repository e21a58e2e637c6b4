import Foundation
import TandemSQL

/// Checks a store file before the node uses it.
///
/// `PRAGMA quick_check` reads every page, so it grows with the store (about
/// 2 s at 100,000 linked entities). A node that stopped cleanly leaves the
/// identity of its store files (`noteCleanStop`); when they are exactly as
/// it left them (same inode, size and modification time, main file and
/// WAL), nothing can have damaged them through the file system since, and
/// the start skips the check. A replaced, restored, edited or crashed
/// store is checked.
enum StoreHealth {
    static let stampName = "clean-stop"

    /// Runs `PRAGMA quick_check`; throws with SQLite's own words and what to do when the file is damaged.
    static func quickCheck(path: String) throws(NodeStartError) {
        let problems: [String]
        do {
            let database = try Database(path: path)
            problems = try database.query("PRAGMA quick_check") { $0.text(0) ?? "" }.filter { $0 != "ok" }
        } catch {
            throw damaged(path, "\(error)")
        }
        guard problems.isEmpty else { throw damaged(path, problems.prefix(5).joined(separator: "; ")) }
    }

    /// Records the identity of the store files `path` and `path-wal` as the
    /// node leaves them at a clean stop. A failure only costs the next start
    /// its check.
    static func noteCleanStop(dataDir: String, path: String) {
        let stamp = dataDir + "/" + stampName
        _ = FileManager.default.createFile(atPath: stamp, contents: Data(identity(path).utf8), attributes: [.posixPermissions: 0o600])
    }

    /// True when the store files are as the last clean stop left them. The
    /// stamp is used up: a start after this one checks again unless the
    /// node stops cleanly first.
    static func unchangedSinceCleanStop(dataDir: String, path: String) -> Bool {
        let stamp = dataDir + "/" + stampName
        guard let data = FileManager.default.contents(atPath: stamp) else { return false }
        unlink(stamp)
        return String(decoding: data, as: UTF8.self) == identity(path)
    }

    /// Device, inode, size and modification time of the main file and the WAL.
    private static func identity(_ path: String) -> String {
        [path, path + "-wal"].map { file in
            var info = stat()
            guard stat(file, &info) == 0 else { return "absent" }
            return "\(info.st_dev) \(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }.joined(separator: "\n")
    }

    private static func damaged(_ path: String, _ sqlite: String) -> NodeStartError {
        NodeStartError("the store \(path) is damaged; SQLite says: \(sqlite). The node will not run on it: restore the last backup (`tandem restore --config FILE --from BACKUP`, then `tandem recover --connection NAME`; docs/operations.md, Recovery)")
    }
}
