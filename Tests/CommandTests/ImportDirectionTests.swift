import Foundation
import TestSupport
import XCTest

/// The engine and the operator commands stand on their own: only `tandem sim`,
/// `tandem demo` (files named `Sim…` and `Demo…`) and the benchmarks may use
/// the simulators or the local test deployment, so a node in production never
/// carries them. Read from the sources as text, so a new import fails here
/// before anyone relies on it.
final class ImportDirectionTests: XCTestCase {
    private let forbidden: Set = ["TrackerSim", "LocalDeployment"]

    func testNeitherTheEngineNorTheOperatorCommandsImportSimulatorsOrTheTestDeployment() throws {
        var files = try swiftFiles(under: "Sources/NodeHost")
        files += try swiftFiles(under: "Sources/tandem").filter { file in
            let name = (file as NSString).lastPathComponent
            return !name.hasPrefix("Sim") && !name.hasPrefix("Demo")
        }
        XCTAssertGreaterThan(files.count, 50, "the source folders moved; update this test")
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOfFile: TestPaths.packageRoot + "/" + file, encoding: .utf8)
            for module in importedModules(text) where forbidden.contains(module) {
                offenders.append("\(file) imports \(module)")
            }
        }
        XCTAssertEqual(offenders, [], "move what these files need into a neutral module (TandemCLI, TandemAdminClient, …)")
    }

    func testEveryFormOfImportIsRecognised() {
        let text = """
            import Foundation
            @testable import TrackerSim
            @_exported import struct LocalDeployment.SyncDeployment
              import TandemJSON.JSON
            // import NotAModule
            let important = 1
            """
        XCTAssertEqual(importedModules(text), ["Foundation", "TrackerSim", "LocalDeployment", "TandemJSON"])
    }

    /// The module of each `import` declaration, attributes and kinds allowed.
    private func importedModules(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            var words = line.split(separator: " ").map(String.init)
            while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { return nil }
            let kinds: Set = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"]
            let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
            return String(path.split(separator: ".")[0])
        }
    }

    private func swiftFiles(under folder: String) throws -> [String] {
        let root = TestPaths.packageRoot + "/" + folder
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: root))
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.map { folder + "/" + $0 }.sorted()
    }
}
