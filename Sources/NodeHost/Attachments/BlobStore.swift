import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Attachment bytes spooled to disk, one file per SHA-256:
/// `<dataDir>/blobs/<sha256>` (the store lives at `<dataDir>/tandem.db`).
///
/// A file appears only complete (written to a temporary name, then renamed),
/// so a reader never sees a partial blob, and a crash leaves at most a stray
/// `.part` file. Files are read and written with POSIX calls straight from and
/// into the caller's array: no intermediate copy of the bytes.
///
/// Thread: any; two writers of the same hash write the same bytes.
struct BlobStore: Sendable {
    let directory: String

    init(directory: String) { self.directory = directory }

    /// The blob folder beside the node's store file.
    init(store: Store) {
        directory = URL(fileURLWithPath: store.path).deletingLastPathComponent().path + "/blobs"
    }

    /// Whether `text` is a SHA-256 in lower-case hex (and so a safe file name).
    static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    func path(_ sha256: String) -> String { directory + "/" + sha256 }

    func contains(_ sha256: String) -> Bool {
        Self.isHash(sha256) && FileManager.default.fileExists(atPath: path(sha256))
    }

    /// Stores `bytes` under `sha256` (the caller has verified the hash).
    func write(_ bytes: [UInt8], sha256: String) throws(BlobStoreError) {
        guard Self.isHash(sha256) else { throw BlobStoreError("'\(sha256)' is not a SHA-256") }
        do {
            try PrivateFiles.directory(directory)
        } catch {
            throw BlobStoreError("\(error)")
        }
        let temporary = path(sha256) + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).part"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BlobStoreError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil && rename(temporary, path(sha256)) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw BlobStoreError("cannot write blob \(sha256): \(failure)")
        }
    }

    /// The bytes stored under `sha256`, or nil when there is no such blob.
    func read(_ sha256: String) throws(BlobStoreError) -> [UInt8]? {
        guard Self.isHash(sha256) else { return nil }
        let fd = open(path(sha256), O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw BlobStoreError("cannot open blob \(sha256): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw BlobStoreError("cannot stat blob \(sha256)") }
        let size = Int(info.st_size)
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var offset = 0
            while offset < size {
                let got = Glibc.read(fd, buffer.baseAddress! + offset, size - offset)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 {
                    failure = got == 0 ? "the file ended early" : String(cString: strerror(errno))
                    break
                }
                offset += got
            }
            count = offset
        }
        if let failure { throw BlobStoreError("cannot read blob \(sha256): \(failure)") }
        return bytes
    }
}

/// A blob file could not be written or read.
struct BlobStoreError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Keeps attachment-sized buffers from staying resident once freed.
///
/// glibc raises its mmap threshold each time a large mmapped block is freed,
/// so later multi-MiB buffers come from the heap and stay resident after use:
/// a node that moved one 20 MiB attachment kept ~40 MB for good (measured).
/// Fixing the threshold at 1 MiB turns that adjustment off, so every buffer
/// of 1 MiB or more is mmapped and returned to the system when freed (smaller
/// ones, the node's usual traffic, stay on the heap as before).
enum BlobMemory {
    /// Call before handling attachment bytes; acts once per process.
    static func prepare() { _ = fixed }

    private static let fixed = Malloc.set(.mmapThreshold, 1 << 20)
}
