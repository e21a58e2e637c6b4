import Foundation
@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest
import TandemDigest

/// Installing a plugin never crashes a running node: the node runs its private
/// copy, so even an installer that rewrites the file in place (same inode)
/// leaves the loaded image intact.
final class PluginOverwriteTests: XCTestCase {
    private var nodes: FileStoreNodes!

    override func setUpWithError() throws {
        nodes = try FileStoreNodes()
    }

    override func tearDown() {
        nodes?.stop()
    }

    /// A tracker user on one side's store, through a build of the connector
    /// that is not the file under test.
    private func tracker(_ side: String) throws -> PluginInstance {
        let path = nodes.folder.file("tester-libfilestore.so")
        if !FileManager.default.fileExists(atPath: path) { try CCompiler.filestoreExample(output: path) }
        let plugin = try PluginLoader().load(path: path).get()
        return try PluginInstance(plugin: plugin, name: "user", configuration: ["dir": .string(nodes.folder.file("store-\(side)"))],
                                  services: HostServices(log: { _, _, _ in }, http: { _ in .failure(.unreachable("none")) },
                                                         secret: { _ in nil }, nowMs: { 0 }))
    }

    private func summaries(_ side: String) throws -> [String] {
        let user = try tracker(side)
        return try (user.call("search", ["cursor": nil]).json["refs"]?.arrayValue ?? []).compactMap { ref in
            try user.call("get", ["id": ref["id"] ?? .null]).json["fields"]?["summary"]?.stringValue
        }
    }

    func testOverwritingTheLoadedPluginFileInPlace_LeavesTheNodeSyncing() throws {
        try nodes.start()
        _ = try tracker("blue").call("create", ["fields": ["summary": "before", "priority": "Low"]])
        XCTAssertTrue(try eventually(timeout: 30) { try summaries("green").contains("before") })

        // What `cp new.so plugins.d/` does: truncate and rewrite the same inode.
        let installed = nodes.plugins + "/libfilestore.so"
        let inode = try FileManager.default.attributesOfItem(atPath: installed)[.systemFileNumber] as? Int
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: installed))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(repeating: 0xCC, count: 64 * 1024))
        try handle.close()
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: installed)[.systemFileNumber] as? Int, inode)

        _ = try tracker("blue").call("create", ["fields": ["summary": "after", "priority": "Low"]])
        XCTAssertTrue(try eventually(timeout: 30) { try summaries("green").contains("after") },
                      "the node stopped syncing after its plugin file was rewritten")
    }

    func testEachPluginIsLoadedFromAContentAddressedCopyInTheDataFolder() throws {
        try nodes.start()
        let copies = try FileManager.default.contentsOfDirectory(atPath: nodes.folder.file("data-blue/plugins"))
        XCTAssertEqual(copies.count, 1, "\(copies)")
        let copy = try XCTUnwrap(copies.first)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: nodes.plugins + "/libfilestore.so"))
        XCTAssertEqual(copy, Digest.sha256([UInt8](bytes)).map { String(format: "%02x", $0) }.joined() + ".so")
    }
}
