import TestSupport
import XCTest

/// The built Swift plugins export only the entry and are marked never-unload.
final class PluginBinaryTests: XCTestCase {
    private let plugins = ["libJiraLike.so", "libServiceNowLike.so"]

    func testSwiftPlugins_ExportOnlyTheEntrySymbol() throws {
        for plugin in plugins {
            let result = try ChildProcess.run("/usr/bin/env", ["nm", "-D", "--defined-only", TestPaths.products + "/" + plugin])
            XCTAssertEqual(result.status, 0, result.stderr)
            let globals = result.stdout.split(separator: "\n").filter {
                let fields = $0.split(separator: " ")
                return fields.count == 3 && fields[1].uppercased() == fields[1]
            }.map { String($0.split(separator: " ")[2]) }
            XCTAssertEqual(globals, ["tandem_plugin_entry"], plugin)
        }
    }

    func testSwiftPlugins_AreMarkedNodelete() throws {
        for plugin in plugins {
            let result = try ChildProcess.run("/usr/bin/env", ["readelf", "-d", TestPaths.products + "/" + plugin])
            XCTAssertTrue(result.stdout.contains("NODELETE"), "\(plugin) lacks -z nodelete")
        }
    }
}
