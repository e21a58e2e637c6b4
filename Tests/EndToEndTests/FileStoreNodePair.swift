import Foundation
import TandemJSON
import TestSupport
import TandemAdminClient

/// Two real node processes over file-store "trackers": `blue` runs the file
/// store, with a fault on one entity when asked (Tests/Fixtures/plugins/
/// faulty_filestore.c), `green` the plain C example. The test plays blue's
/// supervisor: it starts blue again each time it dies.
final class FileStoreNodePair {
    let folder = TemporaryDirectory("faults")
    let secret = "faults-shared-secret-0123456789"
    let adminToken = "faults-admin-token-0123456789"
    let bluePort = freePort()
    let greenPort = freePort()
    private(set) var green: BackgroundProcess!

    /// - Parameters:
    ///   - fault: FAULT_SEGV, FAULT_ABORT or FAULT_HANG; nil for the plain file store.
    ///   - blueInstance: extra keys of blue's instance (`isolation`, `timeoutMs`).
    init(fault: String?, blueInstance: [String: JSON] = [:]) throws {
        let files = FileManager.default
        for name in ["plugins-blue", "plugins-green", "tracker-blue", "tracker-green"] {
            try files.createDirectory(atPath: folder.file(name), withIntermediateDirectories: true)
        }
        let example = TestPaths.packageRoot + "/Examples/CConnector/"
        if let fault {
            try CCompiler.sdkConnector([TestPaths.fixture("plugins/faulty_filestore.c")], output: folder.file("plugins-blue/libfaulty.so"),
                                       defines: [fault, "FILESTORE_SOURCE=\"\(example)filestore.c\""])
        } else {
            try CCompiler.filestoreExample(output: folder.file("plugins-blue/libfilestore.so"))
        }
        try CCompiler.filestoreExample(output: folder.file("plugins-green/libfilestore.so"))
        try "replica.summary = issue.summary\n".write(toFile: folder.file("out.sync"), atomically: true, encoding: .utf8)
        try "issue.summary = replica.summary\n".write(toFile: folder.file("in.sync"), atomically: true, encoding: .utf8)
        try writeConfig("blue", port: bluePort, peerPort: greenPort, instance: blueInstance)
        try writeConfig("green", port: greenPort, peerPort: bluePort, instance: [:])
    }

    private func writeConfig(_ name: String, port: Int, peerPort: Int, instance extra: [String: JSON]) throws {
        var instance: [String: JSON] = ["plugin": "c-filestore", "config": ["dir": .string(folder.file("tracker-\(name)"))]]
        instance.merge(extra) { _, new in new }
        let config: JSON = [
            "node": ["name": .string(name), "listen": .string("127.0.0.1:\(port)"), "dataDir": .string("data-\(name)"),
                     "adminToken": .string(adminToken)],
            "pluginsDir": .string("plugins-\(name)"),
            "instances": ["files": .object(instance)],
            "connections": ["files": [
                "instance": "files", "peer": ["url": .string("http://127.0.0.1:\(peerPort)"), "secret": .string(secret)],
                "trigger": ["query": "", "pollSeconds": 0.2], "outgoing": "out.sync", "incoming": "in.sync",
            ]],
        ]
        try config.text.write(toFile: folder.file("\(name).json"), atomically: true, encoding: .utf8)
    }

    /// Puts entity FS-`id` into blue's tracker, as a human would have made it.
    func addBlueEntity(_ id: Int, summary: String) throws {
        let entity: JSON = [
            "id": .string(String(id)), "key": .string("FS-\(id)"), "type": "record",
            "url": .string("file://" + folder.file("tracker-blue/\(id).json")), "updated": "2026-12-01T08:00:00.000Z",
            "fields": ["summary": .string(summary)], "comments": [], "attachments": [],
        ]
        try entity.text.write(toFile: folder.file("tracker-blue/\(id).json"), atomically: true, encoding: .utf8)
    }

    /// The summaries of green's entities.
    func greenSummaries() -> [String] { summaries("green") }

    /// The summaries of one side's entities, sorted.
    func summaries(_ side: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.file("tracker-\(side)"))) ?? []
        return names.filter { $0.hasSuffix(".json") }.compactMap { name in
            guard let text = try? String(contentsOfFile: folder.file("tracker-\(side)/" + name), encoding: .utf8) else { return nil }
            return (try? JSON(parsing: text))?["fields"]?["summary"]?.stringValue
        }.sorted()
    }

    /// Changes the summary of one entity file, as a human editing that tracker
    /// would: with `updated` now, which the file store's search goes by.
    func edit(_ side: String, where summary: String, to newSummary: String) throws {
        let updated = ISO8601DateFormatter.withMilliseconds.string(from: Date())
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.file("tracker-\(side)")).filter { $0.hasSuffix(".json") }
        for name in names {
            let path = folder.file("tracker-\(side)/" + name)
            var entity = try JSON(parsing: try String(contentsOfFile: path, encoding: .utf8))
            guard entity["fields"]?["summary"]?.stringValue == summary else { continue }
            entity["fields"]?["summary"] = .string(newSummary)
            entity["updated"] = .string(updated)
            try entity.text.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        throw CocoaError(.fileNoSuchFile)
    }

    var greenAdmin: NodeAdmin { NodeAdmin(baseURL: "http://127.0.0.1:\(greenPort)", token: adminToken) }

    /// Runs a `tandem` command to completion in the test folder.
    func tandem(_ arguments: [String]) throws -> ProcessResult {
        try ChildProcess.tandem(arguments, currentDirectory: folder.path)
    }

    func startGreen() throws {
        green = try BackgroundProcess("green", TestPaths.tandem, ["run", "--config", folder.file("green.json")],
                                      logFolder: folder.path, currentDirectory: folder.path)
    }

    /// Starts blue as a supervisor would; its log is appended to blue.stderr.log.
    func launchBlue(_ extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.tandem)
        process.arguments = ["run", "--config", folder.file("blue.json")] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        // The runtime's backtracer would spend seconds on each crash.
        process.environment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { _, new in new }
        let log = folder.file("blue.stderr.log")
        if !FileManager.default.fileExists(atPath: log) { FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = FileHandle(forWritingAtPath: log)
        _ = try handle?.seekToEnd()
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    var blueAdmin: NodeAdmin { NodeAdmin(baseURL: "http://127.0.0.1:\(bluePort)", token: adminToken) }

    var blueLog: String { (try? String(contentsOfFile: folder.file("blue.stderr.log"), encoding: .utf8)) ?? "" }

    /// Both nodes' logs, for a failing test's message.
    var logs: String {
        ["blue", "green"].map { name in
            "--- \(name) ---\n" + ((try? String(contentsOfFile: folder.file("\(name).stderr.log"), encoding: .utf8))?.suffix(6000) ?? "")
        }.joined(separator: "\n")
    }

    func stop() { green?.stop() }
}

extension ISO8601DateFormatter {
    /// "2026-12-03T08:00:00.123Z", as trackers write `updated`.
    static var withMilliseconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
