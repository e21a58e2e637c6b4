import Foundation
import TandemJSON
import TestSupport
import XCTest

/// The command examples of the documentation run as written: every `tandem`
/// command shown exists and takes the options shown, the examples that need
/// no running node or tracker are run, and the systemd and env-file examples
/// are complete.
final class DocsExamplesTests: XCTestCase {
    static let documents = ["README.md", "docs/operations.md", "docs/connector-guide.md", "docs/scripts.md", "docs/linking.md",
                            "docs/simulators.md", "docs/attachments.md", "docs/http.md", "examples/jira-servicenow/README.md"]

    /// The lines of the ```sh blocks: continuations joined, prompts and comments removed.
    private func shellLines(_ document: String) throws -> [String] {
        let text = try String(contentsOfFile: TestPaths.packageRoot + "/" + document, encoding: .utf8)
        var lines: [String] = []
        var inBlock = false
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if raw.hasPrefix("```") { inBlock = raw == "```sh"; continue }
            guard inBlock else { continue }
            var line = raw.hasPrefix("$ ") ? String(raw.dropFirst(2)) : raw
            if line.hasSuffix("\\") { pending += line.dropLast() + " "; continue }
            line = pending + line
            pending = ""
            if let hash = line.range(of: "  #") ?? line.range(of: "\t#") { line = String(line[..<hash.lowerBound]) }
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(line) }
        }
        return lines
    }

    /// Each `tandem …` invocation on a line (after pipes, `&&`, `;` and `sudo`).
    private func invocations(_ line: String) -> [[String]] {
        let separated = line.replacingOccurrences(of: "&&", with: "|").replacingOccurrences(of: ";", with: "|")
        var result: [[String]] = []
        for segment in separated.split(separator: "|") {
            var words = segment.split(separator: " ").map(String.init)
            if words.first == "sudo" { words.removeFirst() }
            guard let program = words.first, program == "tandem" || (program.hasSuffix("/tandem") && !program.contains("=")) else { continue }
            result.append(Array(words.dropFirst()))
        }
        return result
    }

    private func knownCommands() throws -> [[String]] {
        let listing = try ChildProcess.tandem(["--help"]).stdout
        return listing.split(separator: "\n").filter { $0.hasPrefix("  ") }.map { line in
            let columns = line.trimmingCharacters(in: .whitespaces).components(separatedBy: "  ")
            return columns[0].split(separator: " ").map(String.init)
        }
    }

    func testEveryTandemCommandInTheDocs_ExistsAndTakesTheOptionsShown() throws {
        let commands = try knownCommands()
        XCTAssertTrue(commands.contains(["config", "check"]) && commands.contains(["history"]), "\(commands)")
        var helps: [[String]: String] = [:]
        var checked = 0
        for document in Self.documents {
            for line in try shellLines(document) {
                for words in invocations(line) {
                    guard let path = commands.filter({ words.starts(with: $0) }).max(by: { $0.count < $1.count }) else {
                        XCTFail("\(document): `tandem \(words.joined(separator: " "))` is no tandem command")
                        continue
                    }
                    if helps[path] == nil { helps[path] = try ChildProcess.tandem(path + ["--help"]).stdout }
                    for option in words where option.hasPrefix("--") {
                        let name = String(option.split(separator: "=")[0])
                        XCTAssertTrue(helps[path]!.contains(name), "\(document): `tandem \(path.joined(separator: " "))` has no option \(name)")
                    }
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 20, "the docs show tandem commands")
    }

    func testTheReadmesOfflineExamples_RunAsWritten() throws {
        for line in try shellLines("README.md") where line.hasPrefix(".build/debug/tandem ") {
            let words = line.split(separator: " ").map(String.init).dropFirst()
            let result = try ChildProcess.tandem(Array(words), currentDirectory: TestPaths.packageRoot)
            XCTAssertEqual(result.status, 0, "`\(line)`: \(result.stderr)")
        }
    }

    func testJournalctlPipedIntoJq_PrintsBareLogLines() throws {
        for document in Self.documents {
            for line in try shellLines(document) where line.contains("journalctl") && line.contains("| jq") {
                XCTAssertTrue(line.contains("-o cat"), "\(document): `\(line)` feeds journalctl's prefixed lines to jq; add -o cat")
            }
        }
    }

    func testTheEnvFileOfTheSystemdExample_SetsEveryVariableItsConfigNeeds() throws {
        let operations = try String(contentsOfFile: TestPaths.packageRoot + "/docs/operations.md", encoding: .utf8)
        let set = Set(try shellLines("docs/operations.md").compactMap { line -> String? in
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].allSatisfy({ $0.isUppercase || $0 == "_" }) else { return nil }
            return String(parts[0])
        })
        XCTAssertTrue(operations.contains("copy of `examples/jira-servicenow/blue.json`"))
        let config = try String(contentsOfFile: TestPaths.packageRoot + "/examples/jira-servicenow/blue.json", encoding: .utf8)
        let needed = Set(config.components(separatedBy: "${").dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) })
        XCTAssertFalse(needed.isEmpty)
        XCTAssertEqual(needed.subtracting(set), [], "blue.env in docs/operations.md misses these variables")
    }

    func testTheEnvFileOfTheSystemdExample_PassesTheOfflineConfigCheck() throws {
        let folder = TemporaryDirectory("docs-env")
        var environment: [String: String] = [:]
        for line in try shellLines("docs/operations.md") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[0].allSatisfy({ $0.isUppercase || $0 == "_" }) { environment[parts[0]] = parts[1] }
        }
        // The two folders exist on the server; here they are stand-ins.
        environment["TANDEM_DATA"] = folder.path
        environment["TANDEM_PLUGINS"] = TestPaths.packageRoot + "/plugins.d"
        let result = try ChildProcess.tandem(["config", "check", "--offline", "--config",
                                              TestPaths.packageRoot + "/examples/jira-servicenow/blue.json"], environment: environment)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    }

    func testDemoHelp_NamesTheExampleConfigThatIsLocalWins() throws {
        let help = try ChildProcess.tandem(["demo", "--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
        XCTAssertTrue(help.contains("blue.json, the Jira side, says local-wins"), help)
        let blue = try JSON(parsing: try String(contentsOfFile: TestPaths.packageRoot + "/examples/jira-servicenow/blue.json", encoding: .utf8))
        XCTAssertEqual(blue["connections"]?["sup-incidents"]?["conflicts"], "local-wins")
        let green = try JSON(parsing: try String(contentsOfFile: TestPaths.packageRoot + "/examples/jira-servicenow/green.json", encoding: .utf8))
        XCTAssertEqual(green["connections"]?["sup-incidents"]?["conflicts"], "remote-wins")
    }
}
