import Foundation
import TandemHTTP
import TandemJSON
import TestSupport
import XCTest

/// The pipeline end to end, the operator's side: parked errors, retries,
/// signature refusals and restarts, with four real processes.
final class OperatorEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    func testFailingScriptParksOneIssue_OthersSync_FixRestartRetrySyncsIt() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 2))
        let script = deployment.folder + "/servicenow-incoming.sync"
        let original = try String(contentsOfFile: script, encoding: .utf8)
        try ("if (replica.summary?.contains(\"poison\")) {\n    debug.error(\"refusing \" + replica.key)\n}\n" + original)
            .write(toFile: script, atomically: true, encoding: .utf8)
        deployment.green.stop()
        try deployment.startNode("green")

        let poisoned = try deployment.jira.createIssue("poison pill")
        _ = try deployment.jira.createIssue("healthy issue")
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "healthy issue") != nil }, deployment.logs)

        var listed = ""
        XCTAssertTrue(try eventually {
            listed = try deployment.run(["errors", "list"], node: "green").stdout
            return listed.contains(poisoned)
        })
        XCTAssertTrue(listed.contains("servicenow-incoming.sync:2:"), "file:line:column in: \(listed)")
        XCTAssertTrue(listed.contains("refusing \(poisoned)"), listed)
        XCTAssertNil(try deployment.serviceNow.incident(shortDescription: "poison pill"))

        try original.write(toFile: script, atomically: true, encoding: .utf8)
        XCTAssertEqual(deployment.green.stop(), 0, "SIGTERM ends the node cleanly")
        try deployment.startNode("green")
        let json = try deployment.run(["errors", "list", "--json"], node: "green")
        let id = try XCTUnwrap(try JSON(parsing: json.stdout).arrayValue?.first?["id"]?.intValue)
        let retried = try deployment.run(["errors", "retry", String(id)], node: "green")
        XCTAssertEqual(retried.status, 0, retried.stderr)
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "poison pill") != nil }, deployment.logs)
        XCTAssertEqual(try deployment.run(["errors", "list"], node: "green").stdout, "no parked errors\n")
    }

    func testBadSignatureOldTimestampOrReplayedNonce_Get401AndChangeNothing() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: nil))
        let client = HTTPClient()
        let body = JSON.object(["messages": [["kind": "replica", "seq": 1, "source": ["id": "666", "key": "SUP-666"],
                                              "replica": ["summary": "forged", "status": "To Do"]]]]).serialized()
        func post(secret: String, timestamp: Int64, nonce: String) throws -> Int {
            let signer = RequestSignerForTests(secret: secret)
            var headers = HTTPHeaders()
            for (name, value) in signer.headers(target: "/peer/v1/messages", body: body, timestamp: timestamp, nonce: nonce) {
                headers[name] = value
            }
            return try client.send(HTTPClientRequest(method: "POST", url: deployment.green.url + "/peer/v1/messages",
                                                     headers: headers, body: body)).status
        }
        let now = Int64(Date().timeIntervalSince1970)
        XCTAssertEqual(try post(secret: "not-the-shared-secret-000", timestamp: now, nonce: String(repeating: "a", count: 32)), 401)
        XCTAssertEqual(try post(secret: deployment.secret, timestamp: now - 301, nonce: String(repeating: "b", count: 32)), 401)
        XCTAssertEqual(try post(secret: deployment.secret, timestamp: now, nonce: String(repeating: "c", count: 32)), 200)
        XCTAssertEqual(try post(secret: deployment.secret, timestamp: now, nonce: String(repeating: "c", count: 32)), 401, "replay")
        XCTAssertEqual(try client.send(HTTPClientRequest(method: "GET", url: deployment.green.url + "/peer/v1/anything")).status, 401)
        XCTAssertTrue(try eventually { try deployment.serviceNow.incidents().count == 1 }, "only the one valid request applies")
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 1)
    }

    func testRestartedNode_CarriesOnFromItsStore() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 1))
        let key = try deployment.jira.createIssue("Survives restarts")
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Survives restarts") != nil })
        XCTAssertEqual(deployment.blue.stop(), 0)
        try deployment.jira.editIssue(key, ["summary": "Edited while blue was down"])
        try deployment.startNode("blue")
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Edited while blue was down") != nil },
                      deployment.logs)
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 1, "the twin survived: nothing created twice")
    }
}

/// Signs like a node does (X-Tandem-* headers), built here from the
/// documented canonical string so the test does not trust the code it checks.
struct RequestSignerForTests {
    let secret: String

    func headers(target: String, body: [UInt8], timestamp: Int64, nonce: String) -> [(String, String)] {
        let digest = sha256Hex(body)
        let canonical = ["TANDEM-HMAC-SHA256", "POST", target, String(timestamp), nonce, digest].joined(separator: "\n")
        return [("X-Tandem-Connection", "sup-incidents"), ("X-Tandem-Timestamp", String(timestamp)),
                ("X-Tandem-Nonce", nonce), ("X-Tandem-Signature", hmacHex(canonical))]
    }

    private func sha256Hex(_ bytes: [UInt8]) -> String {
        let data = Data(bytes)
        return try! ChildProcessOpenSSL.run(["dgst", "-sha256", "-hex"], input: data)
    }

    private func hmacHex(_ text: String) -> String {
        try! ChildProcessOpenSSL.run(["dgst", "-sha256", "-hex", "-hmac", secret], input: Data(text.utf8))
    }
}

/// The system `openssl` tool, an independent implementation of the digests.
enum ChildProcessOpenSSL {
    static func run(_ arguments: [String], input: Data) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let inPipe = Pipe(), outPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        try process.run()
        inPipe.fileHandleForWriting.write(input)
        try inPipe.fileHandleForWriting.close()
        let output = String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(output.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
