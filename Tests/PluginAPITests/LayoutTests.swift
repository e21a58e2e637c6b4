import Foundation
import TestSupport
import XCTest

/// Every ABI struct's size and every field's offset match the committed table,
/// so an accidental layout change fails CI. To change the ABI on purpose, bump
/// the version (version.h) and regenerate the table in the same commit.
final class LayoutTests: XCTestCase {
    private func currentLayout() throws -> [String] {
        let folder = TemporaryDirectory("layout")
        let program = folder.file("layout_dump")
        try CCompiler.compile("cc", ["-std=c11", "-I", TestPaths.pluginHeaders,
                                     TestPaths.fixture("abi/layout_dump.c"), "-o", program])
        let result = try ChildProcess.run(program, [])
        XCTAssertEqual(result.status, 0)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    func testLayout_MatchesTheCommittedTable() throws {
        #if arch(x86_64)
        let golden = try String(contentsOfFile: TestPaths.fixture("abi/abi-layout-x86_64.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let current = try currentLayout()
        for (expected, actual) in zip(golden, current) where expected != actual {
            XCTFail("ABI layout changed: expected '\(expected)', got '\(actual)'")
        }
        XCTAssertEqual(golden.count, current.count, "a struct or field was added or removed")
        #else
        throw XCTSkip("the golden layout table is for x86_64")
        #endif
    }

    func testLayout_HasNoImplicitPadding() throws {
        var structSize: [String: Int] = [:]
        var fieldEnd: [String: Int] = [:]
        for line in try currentLayout() {
            let parts = line.split(separator: " ")
            let values = Dictionary(uniqueKeysWithValues: parts.dropFirst().map {
                let pair = $0.split(separator: "=")
                return (String(pair[0]), Int(pair[1])!)
            })
            let name = String(parts[0])
            if let size = values["size"], values["offset"] == nil {
                structSize[name] = size
                fieldEnd[name] = 0
                continue
            }
            let owner = String(name.split(separator: ".")[0])
            XCTAssertEqual(values["offset"], fieldEnd[owner], "padding before \(name)")
            fieldEnd[owner] = values["offset"]! + values["size"]!
        }
        for (owner, size) in structSize {
            XCTAssertEqual(fieldEnd[owner], size, "trailing padding in \(owner)")
        }
    }
}
