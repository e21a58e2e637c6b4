import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on `<dataDir>/lock`, held for the life of the node
/// (or of `tandem restore`), so that two processes never share one store.
/// The file holds the holder's pid, which a refused second node names.
///
/// The kernel drops the lock when the process ends however it ends, so a
/// crashed node never leaves a stale lock behind.
public final class DataFolderLock: @unchecked Sendable {
    public static let fileName = "lock"
    private let fd: Int32

    /// Takes the lock; throws naming the holder when another process has it.
    public init(dataDir: String) throws(NodeStartError) {
        let path = dataDir + "/" + Self.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw NodeStartError("cannot open \(path): \(String(cString: strerror(errno))); the data folder must be writable by the node")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            var bytes = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &bytes, bytes.count, 0)
            close(fd)
            guard reason == EWOULDBLOCK else {
                throw NodeStartError("cannot lock \(path): \(String(cString: strerror(reason)))")
            }
            let holder = String(decoding: bytes.prefix(max(0, count)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw NodeStartError("the data folder \(dataDir) is in use by another tandem process (pid \(holder.isEmpty ? "unknown" : holder)); stop it first, or give this node its own dataDir")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        self.fd = fd
    }

    deinit { close(fd) }
}
