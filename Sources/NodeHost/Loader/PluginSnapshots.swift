import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TandemDigest

/// Private, content-addressed copies of plugin files, one folder per node.
///
/// The node never `dlopen`s a file in the plugins folder itself: an installer
/// that overwrites that file in place (same inode) would rewrite pages the
/// running node has mapped, and the next call into them crashes it. Instead it
/// loads `<folder>/<sha256>.so`, written once through a temporary file and an
/// atomic rename and never modified afterwards.
///
/// Invariant: a file named after a hash holds exactly the bytes of that hash.
/// Equal contents share one copy (and so one loaded image); a changed plugin
/// file gets a new copy, so the old image stays intact for whoever uses it.
public struct PluginSnapshots: Sendable {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// Copies `path` into the folder (unless an identical copy is there) and
    /// returns the copy's path.
    public func snapshot(_ path: String) throws(PluginSnapshotError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PluginSnapshotError(file: path, reason: "cannot read it: \(String(cString: strerror(errno)))")
        }
        let bytes = [UInt8](data)
        let name = Digest.sha256(bytes).map { String(format: "%02x", $0) }.joined() + ".so"
        let target = folder + "/" + name
        if FileManager.default.fileExists(atPath: target) { return target }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw PluginSnapshotError(file: path, reason: "cannot create \(folder): \(error.localizedDescription)")
        }
        let temporary = folder + "/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o500]) else {
            throw PluginSnapshotError(file: path, reason: "cannot write \(temporary)")
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw PluginSnapshotError(file: path, reason: "cannot rename the copy into \(folder): \(reason)")
        }
        return target
    }
}

/// A plugin file that could not be copied to the node's private folder.
public struct PluginSnapshotError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let reason: String
    public var description: String { "cannot take a private copy of \(file): \(reason)" }
}
