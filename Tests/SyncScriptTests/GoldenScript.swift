import Foundation
import SyncScript
import TandemJSON
import XCTest

/// Runs the golden `.sync` files of Fixtures/lang/<feature>/.
///
/// A file states what it must print with `// expect: text` comments, in
/// order, through the test-only host function `print(value)` (strings as they
/// are, anything else as JSON). A file that must fail ends with
/// `// expect error: line:column: message`.
enum GoldenScript {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func files(_ feature: String) throws -> [URL] {
        let folder = fixtures.appendingPathComponent("lang").appendingPathComponent(feature)
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sync" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Checks every file of `feature`; reports each mismatch at the file.
    static func check(_ feature: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let urls = try files(feature)
        XCTAssertFalse(urls.isEmpty, "no .sync files in lang/\(feature)", file: file, line: line)
        for url in urls {
            let source = try String(contentsOf: url, encoding: .utf8)
            var expected: [String] = []
            var expectedError: String?
            for text in source.split(separator: "\n", omittingEmptySubsequences: false) {
                if let range = text.range(of: "// expect error: ") {
                    expectedError = String(text[range.upperBound...])
                } else if let range = text.range(of: "// expect: ") {
                    expected.append(String(text[range.upperBound...]))
                }
            }
            let name = "lang/\(feature)/\(url.lastPathComponent)"
            var printed: [String] = []
            var failure: String?
            do {
                let script = try Script(source: source, file: name)
                let run = ScriptRun(script)
                run.bind("print", function: { args in
                    printed.append(args.map { $0.stringValue ?? $0.text }.joined(separator: " "))
                    return .null
                })
                try run.run()
            } catch let error as ScriptError {
                failure = "\(error.line):\(error.column): \(error.message)"
            }
            XCTAssertEqual(printed, expected, "\(name): printed output", file: file, line: line)
            XCTAssertEqual(failure, expectedError, "\(name): error", file: file, line: line)
        }
    }
}
