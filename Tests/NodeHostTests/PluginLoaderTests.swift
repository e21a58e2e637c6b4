import Foundation
import NodeHost
import TestSupport
import XCTest

/// The loader's contract: every bad file is refused with its one-line reason,
/// and the good ones beside it still load.
final class PluginLoaderTests: XCTestCase {
    private var folder: TemporaryDirectory!

    override func setUpWithError() throws {
        folder = TemporaryDirectory("loader")
        try FixturePlugins.build("good.so", ["FIXTURE_ID=\"good\""], in: folder)
    }

    /// Scans the folder and returns the reason `file` was refused, checking
    /// that the good fixture beside it loaded.
    private func refusal(of file: String, loader: PluginLoader = PluginLoader()) throws -> String {
        let entries = try loader.scan(directory: folder.path)
        let good = try XCTUnwrap(entries.first { $0.file == "good.so" })
        XCTAssertEqual(try good.outcome.get().id, "good", "the good plugin must load beside a refused one")
        let entry = try XCTUnwrap(entries.first { $0.file == file }, "no entry for \(file)")
        guard case .failure(let reason) = entry.outcome else {
            XCTFail("\(file) was loaded, expected a refusal")
            return ""
        }
        return reason.description
    }

    func testScan_RefusesFileThatIsNotASharedObject() throws {
        try "this is text, not ELF".write(toFile: folder.file("text.so"), atomically: true, encoding: .utf8)
        let reason = try refusal(of: "text.so")
        XCTAssertTrue(reason.hasPrefix("not a loadable shared object: "), reason)
    }

    func testScan_RefusesLibraryWithoutEntryFunction() throws {
        try FixturePlugins.build("noentry.so", ["FIXTURE_NO_ENTRY"], in: folder)
        XCTAssertEqual(try refusal(of: "noentry.so"), "no 'tandem_plugin_entry' function: not a Tandem plugin")
    }

    func testScan_RefusesABIMajorOutsideHostRange() throws {
        try FixturePlugins.build("abi2.so", ["FIXTURE_ID=\"abi2\"", "FIXTURE_ABI_MAJOR=2"], in: folder)
        XCTAssertEqual(try refusal(of: "abi2.so"), "plugin speaks ABI 2.0, this node loads ABI 1 to 1")
    }

    func testScan_RefusesDescriptorSmallerThanV1() throws {
        try FixturePlugins.build("small.so", ["FIXTURE_ID=\"small\"", "FIXTURE_DESCRIPTOR_SIZE=24"], in: folder)
        XCTAssertEqual(try refusal(of: "small.so"), "descriptor is 24 bytes, ABI 1 needs at least 64")
    }

    func testScan_RefusesDuplicatePluginID_NamingTheFirstFile() throws {
        try FixturePlugins.build("zz-copy.so", ["FIXTURE_ID=\"good\""], in: folder)
        XCTAssertEqual(try refusal(of: "zz-copy.so"), "plugin id 'good' is already loaded from good.so")
    }

    func testScan_RefusesEntryThatReturnsAnError() throws {
        try FixturePlugins.build("fails.so", ["FIXTURE_ID=\"fails\"", "FIXTURE_ENTRY_STATUS=7"], in: folder)
        XCTAssertEqual(try refusal(of: "fails.so"), "tandem_plugin_entry refused to load (status 7 internal)")
    }

    func testScan_RefusesEntryThatReturnsNoDescriptor() throws {
        try FixturePlugins.build("null.so", ["FIXTURE_ENTRY_NULL"], in: folder)
        XCTAssertEqual(try refusal(of: "null.so"), "tandem_plugin_entry returned OK but no descriptor")
    }

    func testScan_RefusesSwiftPluginOfAnotherRuntime_NamingBothVersions() throws {
        try FixturePlugins.build("old-swift.so", ["FIXTURE_ID=\"oldswift\"", "FIXTURE_RUNTIME=\"swift-6.1.0\""], in: folder)
        let reason = try refusal(of: "old-swift.so", loader: PluginLoader(hostRuntime: "swift-6.3.1"))
        XCTAssertEqual(reason, "built for Swift runtime swift-6.1.0 but this node runs swift-6.3.1; rebuild the plugin with the node's toolchain")
    }

    func testScan_RefusesPluginTableWithoutCallFunction() throws {
        try FixturePlugins.build("nocall.so", ["FIXTURE_ID=\"nocall\"", "FIXTURE_NO_CALL"], in: folder)
        XCTAssertEqual(try refusal(of: "nocall.so"), "plugin table has no 'call' function")
    }

    func testScan_AcceptsLargerDescriptorOfNewerMinor_IgnoringItsTail() throws {
        try FixturePlugins.build("newer.so", ["FIXTURE_ID=\"newer\"", "FIXTURE_LARGER"], in: folder)
        let entries = try PluginLoader().scan(directory: folder.path)
        let plugin = try XCTUnwrap(entries.first { $0.file == "newer.so" }).outcome.get()
        XCTAssertEqual(plugin.id, "newer")
        XCTAssertEqual(plugin.abi, "1.1")
        XCTAssertEqual(plugin.operations, ["describe", "echo"])
    }

    func testScan_SkipsFilesThatAreNotSharedObjectsByName() throws {
        try "notes".write(toFile: folder.file("README.md"), atomically: true, encoding: .utf8)
        let entries = try PluginLoader().scan(directory: folder.path)
        XCTAssertEqual(entries.map(\.file), ["good.so"])
    }

    func testScan_UnreadableFolderThrowsWithReason() {
        XCTAssertThrowsError(try PluginLoader().scan(directory: folder.file("missing"))) { error in
            XCTAssertEqual("\(error)", "cannot read plugins folder '\(folder.file("missing"))': No such file or directory")
        }
    }

    func testLoad_SwiftPluginOfThisBuildMatchesTheNodeRuntime() throws {
        let plugin = try PluginLoader().load(path: TestPaths.products + "/libJiraLike.so").get()
        XCTAssertEqual(plugin.id, "jira-like")
        XCTAssertTrue(plugin.runtime.hasPrefix("swift-"))
        let refused = PluginLoader(hostRuntime: "swift-0.0.1").load(path: TestPaths.products + "/libServiceNowLike.so")
        guard case .failure(.runtimeMismatch(let pluginRuntime, let host)) = refused else {
            return XCTFail("expected a runtime mismatch, got \(refused)")
        }
        XCTAssertEqual(pluginRuntime, plugin.runtime)
        XCTAssertEqual(host, "swift-0.0.1")
    }
}
