#if canImport(Glibc)
import Glibc
#endif

/// Folders and files only the node's user may read: the data folder and the
/// blob folder are 0700, the store files 0600, whatever the umask says.
///
/// SQLite creates `-wal` and `-shm` with the mode of the database file, so
/// making `tandem.db` 0600 before SQLite opens it covers all three. Existing
/// folders and files with wider modes are narrowed on start.
enum PrivateFiles {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Creates `path` and missing parents (parents with 0700 too), or narrows
    /// an existing folder to 0700.
    static func directory(_ path: String) throws(Failure) {
        var built = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            built += "/" + component
            if mkdir(built, 0o700) != 0 && errno != EEXIST {
                throw Failure(description: "cannot create folder \(built): \(String(cString: strerror(errno)))")
            }
        }
        if chmod(path, 0o700) != 0 {
            throw Failure(description: "cannot set mode 0700 on \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Creates `path` empty with 0600 if missing, else narrows it to 0600.
    static func file(_ path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if fchmod(fd, 0o600) != 0 {
            throw Failure(description: "cannot set mode 0600 on \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Narrows `path` to 0600 when it exists (the WAL files of a store
    /// created by an older version).
    static func narrowIfPresent(_ path: String) throws(Failure) {
        if chmod(path, 0o600) != 0 && errno != ENOENT {
            throw Failure(description: "cannot set mode 0600 on \(path): \(String(cString: strerror(errno)))")
        }
    }
}
