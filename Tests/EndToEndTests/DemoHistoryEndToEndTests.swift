import Foundation
import TandemJSON
import TestSupport
import XCTest

/// `tandem history SUP-1` after `tandem demo --keep`, run against each node's
/// configuration as the demo tells an operator to: every step of the demo is
/// in both nodes' histories, and each replica has one tx on both sides.
final class DemoHistoryEndToEndTests: XCTestCase {
    private var demo: KeptDemo?

    override func tearDown() {
        guard let demo else { return }
        let status = demo.stop()
        if (testRun?.totalFailureCount ?? 0) > 0 { print(demo.output + "\n(demo exit status \(status))") }
        XCTAssertEqual(status, 0, "the kept demo stops cleanly on SIGINT")
    }

    func testHistoryAfterTheDemo_ShowsEveryStepOnBothNodes_WithOneTxPerReplicaOnBothSides() throws {
        let demo = try KeptDemo.start()
        self.demo = demo
        let blue = try demo.history("SUP-1", node: "blue")
        let green = try demo.history("SUP-1", node: "green")
        let jiraID = try XCTUnwrap(blue.twin["local"]?["id"]?.stringValue, "blue's twin: \(blue.twin.text)")
        XCTAssertEqual(blue.twin["local"]?["key"], "SUP-1")
        XCTAssertEqual(green.twin["remote"]?["key"], "SUP-1")
        XCTAssertEqual(green.twin["remote"]?["id"]?.stringValue, jiraID)
        let create = jiraID + "#1"

        // The link: the peer created the incident for the issue's first replica;
        // blue learns it from the ack, or from green's first replica when that came first.
        XCTAssertNotNil(green.first("linked", tx: create) { $0["via"] == "created" }, green.text)
        let linked = try XCTUnwrap(blue.first("linked") { $0["via"] == "replica" }, blue.text)
        XCTAssertTrue(linked.tx == create || green.first("sent", tx: linked.tx) { $0["message"] == nil } != nil, "\(linked.tx ?? "-"): \(blue.text)")
        XCTAssertEqual(blue.events.filter { $0.kind == "linked" }.count, 1, blue.text)

        // The create.
        XCTAssertNotNil(blue.first("built", tx: create) { Self.names($0["changed"]).contains("summary") }, blue.text)
        XCTAssertNotNil(green.first("applied", tx: create) { $0["created"] == true }, green.text)

        // The edit of summary and description.
        let edit = try XCTUnwrap(blue.first("built") { Set(Self.names($0["changed"])) == ["description", "summary"] }, blue.text)
        XCTAssertNotNil(green.first("applied", tx: edit.tx) { Set(Self.names($0["fields"])) == ["description", "short_description"] },
                        green.text)

        // The comments, each way.
        let jiraComment = try XCTUnwrap(blue.first("built") { Self.names($0["changed"]) == ["comments"] }, blue.text)
        XCTAssertNotNil(green.first("applied", tx: jiraComment.tx) { $0["comments"] == 1 }, green.text)
        let serviceNowComment = try XCTUnwrap(green.first("built") { Self.names($0["changed"]) == ["comments"] }, green.text)
        XCTAssertNotNil(blue.first("applied", tx: serviceNowComment.tx) { $0["comments"] == 1 }, blue.text)

        // The attachments, each way.
        let jiraFile = try XCTUnwrap(blue.first("built") { Self.names($0["changed"]) == ["attachments"] }, blue.text)
        XCTAssertNotNil(green.first("applied", tx: jiraFile.tx) { $0["attachments"] == 1 }, green.text)
        let serviceNowFile = try XCTUnwrap(green.first("built") { Self.names($0["changed"]) == ["attachments"] }, green.text)
        XCTAssertNotNil(blue.first("applied", tx: serviceNowFile.tx) { $0["attachments"] == 1 }, blue.text)

        // Status, assignee, priority and the final state.
        XCTAssertNotNil(green.first("applied") { Self.names($0["fields"]).contains("state") }, green.text)
        XCTAssertNotNil(green.first("applied") { Self.names($0["fields"]).contains("assigned_to") }, green.text)
        XCTAssertNotNil(blue.first("applied") { Self.names($0["fields"]).contains("priority") }, blue.text)
        XCTAssertNotNil(blue.first("applied") { Self.names($0["fields"]).contains("status") }, blue.text)

        // The deliberate conflict, with both values, on each side under the peer's replica.
        let fromJira = "Printer on fire, 3rd floor (per Jira)"
        let fromServiceNow = "Printer on fire, 3rd floor (per ServiceNow)"
        let blueConflict = try XCTUnwrap(blue.first("conflict") { $0["field"] == "summary" }, blue.text)
        XCTAssertEqual(blueConflict.detail["local"]?.stringValue, fromJira)
        XCTAssertEqual(blueConflict.detail["remote"]?.stringValue, fromServiceNow)
        XCTAssertEqual(blueConflict.detail["policy"], "local-wins")
        XCTAssertEqual(blueConflict.detail["winner"], "local")
        XCTAssertNotNil(green.first("sent", tx: blueConflict.tx) { $0["message"] == nil }, "blue's conflict names green's replica: \(green.text)")
        let greenConflict = try XCTUnwrap(green.first("conflict") { $0["field"] == "short_description" }, green.text)
        XCTAssertEqual(greenConflict.detail["local"]?.stringValue, fromServiceNow)
        XCTAssertEqual(greenConflict.detail["remote"]?.stringValue, fromJira)
        XCTAssertEqual(greenConflict.detail["policy"], "remote-wins")
        XCTAssertEqual(greenConflict.detail["winner"], "remote")
        XCTAssertNotNil(blue.first("sent", tx: greenConflict.tx) { $0["message"] == nil }, "green's conflict names blue's replica: \(blue.text)")

        // Every replica one node delivered was received, applied and acked under the same tx.
        for (sender, receiver) in [(blue, green), (green, blue)] {
            let sent = sender.events.filter { $0.kind == "sent" && $0.detail["message"] == nil }
            XCTAssertGreaterThanOrEqual(sent.count, 3, sender.text)
            for replica in sent {
                XCTAssertNotNil(receiver.first("received", tx: replica.tx), "\(replica.tx ?? "-") received: \(receiver.text)")
                XCTAssertNotNil(receiver.first("applied", tx: replica.tx), "\(replica.tx ?? "-") applied: \(receiver.text)")
                XCTAssertNotNil(receiver.first("sent", tx: replica.tx) { $0["message"] == "ack" }, "\(replica.tx ?? "-") ack sent: \(receiver.text)")
                XCTAssertNotNil(sender.first("acked", tx: replica.tx) { $0["outcome"] == "applied" }, "\(replica.tx ?? "-") acked: \(sender.text)")
            }
        }

        // The table an operator reads says the same.
        for (node, lines) in [("blue", ["twinned with the peer's INC", "conflict on 'summary'", "local-wins → local kept", "1 comment(s) added"]),
                              ("green", ["created here for the peer's SUP-1: twins from now on", "replica 1 applied: created",
                                         "ack of replica 1 delivered to the peer", "conflict on 'short_description'",
                                         "remote-wins → remote kept"])] {
            let table = try demo.tandem(["history", "SUP-1"], node: node)
            XCTAssertEqual(table.status, 0, table.stderr)
            for line in lines { XCTAssertTrue(table.stdout.contains(line), "'\(line)' in \(node)'s history:\n\(table.stdout)") }
            XCTAssertTrue(table.stdout.contains(create), table.stdout)
        }
    }

    private static func names(_ list: JSON?) -> [String] { (list?.arrayValue ?? []).compactMap(\.stringValue) }
}

/// One node's answer to `tandem history KEY --json`, for one connection.
private struct NodeHistory {
    struct Event {
        let kind: String
        let tx: String?
        let detail: JSON
    }

    let twin: JSON
    let events: [Event]
    let text: String

    init(answer: String) throws {
        let entity = try JSON(parsing: answer)["entities"]?[0] ?? .null
        twin = entity["twin"] ?? .null
        events = (entity["events"]?.arrayValue ?? []).map {
            Event(kind: $0["kind"]?.stringValue ?? "", tx: $0["tx"]?.stringValue, detail: $0["detail"] ?? .null)
        }
        text = (entity["events"]?.arrayValue ?? []).map { "\($0["kind"]?.text ?? "") \($0["tx"]?.text ?? "") \($0["summary"]?.text ?? "")" }
            .joined(separator: "\n")
    }

    /// The first event of `kind` (and `tx`, when given) whose detail passes `test`.
    func first(_ kind: String, tx: String? = nil, _ test: (JSON) -> Bool = { _ in true }) -> Event? {
        events.first { $0.kind == kind && (tx == nil || $0.tx == tx) && test($0.detail) }
    }
}

/// `tandem demo --keep` as a user runs it: the scenario played, then the four
/// processes left running until SIGINT.
private final class KeptDemo {
    private let process: Process
    private let captured: Locked<String>
    let folder: String
    let environment: [String: String]

    private init(process: Process, output: Locked<String>, folder: String) throws {
        self.process = process
        captured = output
        self.folder = folder
        environment = try Self.environment(folder + "/demo.env")
    }

    static func start(timeout: Double = 300) throws -> KeptDemo {
        let process = Process()
        let output = Locked("")
        process.executableURL = URL(fileURLWithPath: TestPaths.tandem)
        process.arguments = ["demo", "--keep"]
        process.currentDirectoryURL = URL(fileURLWithPath: TestPaths.packageRoot)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        let ready = eventually(timeout: timeout, every: 0.2) {
            !process.isRunning || output.withLock { $0.contains("Everything keeps running") }
        }
        let text = output.withLock { $0 }
        // "files and logs        /tmp/tandem-demo-123"
        guard ready, process.isRunning,
              let line = text.split(separator: "\n").first(where: { $0.contains("files and logs") }),
              let folder = line.split(separator: " ").last.map(String.init) else {
            if process.isRunning { process.interrupt() }
            process.waitUntilExit()
            throw KeptDemoError(description: "the demo did not keep running:\n\(text)")
        }
        do {
            return try KeptDemo(process: process, output: output, folder: folder)
        } catch {
            process.interrupt()
            process.waitUntilExit()
            throw error
        }
    }

    var output: String { captured.withLock { $0 } }

    /// SIGINT, as Ctrl-C; returns the exit status.
    func stop() -> Int32 {
        if process.isRunning { process.interrupt() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `tandem ARGS --config <folder>/<node>.json` with the demo's environment.
    func tandem(_ arguments: [String], node: String) throws -> ProcessResult {
        try ChildProcess.tandem(arguments + ["--config", folder + "/\(node).json"], environment: environment)
    }

    func history(_ key: String, node: String) throws -> NodeHistory {
        let result = try tandem(["history", key, "--json"], node: node)
        guard result.status == 0 else { throw KeptDemoError(description: "tandem history on \(node): \(result.stderr)") }
        return try NodeHistory(answer: result.stdout)
    }

    /// The `export NAME='value'` lines the demo writes for the operator commands.
    private static func environment(_ path: String) throws -> [String: String] {
        var environment: [String: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            environment[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        return environment
    }
}

private struct KeptDemoError: Error, CustomStringConvertible {
    let description: String
}
