import NodeHost
import TandemJSON
import XCTest

/// The node configuration (docs/operations.md, "Configure"): environment expansion, defaults,
/// and errors that name the JSON path of the bad value.
final class NodeConfigTests: XCTestCase {
    private let environment = ["ADMIN": "admin-token-0123456789", "SECRET": "shared-secret-0123456789", "PW": "pw"]

    private func valid() -> JSON {
        [
            "node": ["name": "blue", "listen": "127.0.0.1:7101", "dataDir": "data/blue", "adminToken": "${ADMIN}"],
            "instances": ["jira": ["plugin": "jira-like", "config": ["baseUrl": "http://127.0.0.1:8081", "auth": ["type": "basic", "user": "admin", "password": "${PW}"], "project": "SUP"]]],
            "connections": ["sup": [
                "instance": "jira", "peer": ["url": "http://127.0.0.1:7102/", "secret": "${SECRET}"],
                "trigger": ["query": "project = SUP", "pollSeconds": 5, "webhook": true],
                "outgoing": "scripts/out.sync", "incoming": "/abs/in.sync",
            ]],
        ]
    }

    private func parse(_ json: JSON) throws -> NodeConfig {
        try NodeConfig.parse(json, baseDirectory: "/etc/tandem", environment: environment)
    }

    private func assertError(_ json: JSON, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(json), file: file, line: line) { error in
            XCTAssertEqual("\(error)", expected, file: file, line: line)
        }
    }

    func testParse_ExpandsEnvironmentAndResolvesRelativePaths() throws {
        let config = try parse(valid())
        XCTAssertEqual(config.node.adminToken, "admin-token-0123456789")
        XCTAssertEqual(config.node.port, 7101)
        XCTAssertEqual(config.node.dataDir, "/etc/tandem/data/blue")
        XCTAssertEqual(config.pluginsDir, "/etc/tandem/plugins.d")
        XCTAssertEqual(config.instances["jira"]?.config["auth"]?["password"], "pw")
        let connection = try XCTUnwrap(config.connections["sup"])
        XCTAssertEqual(connection.peer.url, "http://127.0.0.1:7102")
        XCTAssertEqual(connection.outgoingScript, "/etc/tandem/scripts/out.sync")
        XCTAssertEqual(connection.incomingScript, "/abs/in.sync")
        XCTAssertEqual(connection.trigger.pollSeconds, 5)
        XCTAssertTrue(connection.enabled)
        XCTAssertEqual(connection.conflicts, ConflictPolicy(default: .remoteWins, fields: [:]))
    }

    func testParse_MissingEnvironmentVariableNamesPathAndVariable() {
        var json = valid()
        json["node"]?["adminToken"] = "${NOPE}"
        assertError(json, "$.node.adminToken: environment variable NOPE is not set")
    }

    func testParse_WrongTypeNamesThePath() {
        var json = valid()
        json["connections"]?["sup"]?["peer"]?["url"] = 7
        assertError(json, "$.connections.sup.peer.url: expected a string, got number")
    }

    func testParse_UnknownKeyIsAnError() {
        var json = valid()
        json["connections"]?["sup"]?["enabeld"] = false
        XCTAssertThrowsError(try parse(json)) { error in
            XCTAssertTrue("\(error)".hasPrefix("$.connections.sup.enabeld: unknown key"), "\(error)")
        }
    }

    func testParse_ConnectionMustNameADefinedInstance() {
        var json = valid()
        json["connections"]?["sup"]?["instance"] = "snow"
        assertError(json, "$.connections.sup.instance: names instance 'snow', which $.instances does not define")
    }

    func testParse_BadListenAddress() {
        var json = valid()
        json["node"]?["listen"] = "7101"
        assertError(json, "$.node.listen: expected HOST:PORT, e.g. 127.0.0.1:7101 (the value is not shown: it may be a secret)")
    }

    func testParse_ConflictPolicyPerField() throws {
        var json = valid()
        json["connections"]?["sup"]?["conflicts"] = ["default": "newest-wins", "fields": ["priority": "park"]]
        let policy = try XCTUnwrap(try parse(json).connections["sup"]).conflicts
        XCTAssertEqual(policy.rule(for: "priority"), .park)
        XCTAssertEqual(policy.rule(for: "summary"), .newestWins)
    }

    func testParse_UnknownConflictPolicyListsTheChoices() {
        var json = valid()
        json["connections"]?["sup"]?["conflicts"] = "mine"
        assertError(json, "$.connections.sup.conflicts: unknown policy (expected one of: remote-wins, local-wins, newest-wins, park)")
    }

    func testParse_ShortSecretIsRefused() {
        var json = valid()
        json["connections"]?["sup"]?["peer"]?["secret"] = "short"
        assertError(json, "$.connections.sup.peer.secret: must be at least 16 characters")
    }

    func testParse_BadURLFromTheEnvironmentDoesNotEchoTheSecret() {
        var json = valid()
        json["connections"]?["sup"]?["peer"]?["url"] = "${LEAK}"
        XCTAssertThrowsError(try NodeConfig.parse(json, baseDirectory: "/etc", environment: environment.merging(["LEAK": "jira-pw-SECRETVALUE"]) { $1 })) { error in
            XCTAssertFalse("\(error)".contains("SECRETVALUE"), "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("$.connections.sup.peer.url: must be an http:// or https:// URL"), "\(error)")
        }
    }

    func testParse_LiteralValueIsNotEchoedEither() {
        var json = valid()
        json["connections"]?["sup"]?["peer"]?["url"] = "jira-pw-SECRETVALUE"
        XCTAssertThrowsError(try parse(json)) { error in
            XCTAssertFalse("\(error)".contains("SECRETVALUE"), "\(error)")
        }
    }

    func testParse_UnterminatedReferenceDoesNotEchoTheText() {
        var json = valid()
        json["node"]?["adminToken"] = "SECRETVALUE-${ADMIN"
        assertError(json, "$.node.adminToken: has a ${ without its closing }")
    }

    func testConfigError_MasksEveryGivenSecret() {
        let error = ConfigError("$.x", "got 'a-SECRETVALUE-b'").masking(["SECRETVALUE"])
        XCTAssertEqual(error.description, "$.x: got 'a-***-b'")
    }

    func testParse_TLSKeysAreAcceptedAndResolvedAgainstTheConfigFolder() throws {
        var json = valid()
        json["node"]?["tls"] = ["cert": "tls/blue.pem", "key": "/abs/blue.key"]
        json["connections"]?["sup"]?["peer"]?["caFile"] = "tls/ca.pem"
        json["instances"]?["jira"]?["config"]?["caFile"] = "tls/jira-ca.pem"
        let config = try parse(json)
        XCTAssertEqual(config.node.tls?.certificateFile, "/etc/tandem/tls/blue.pem")
        XCTAssertEqual(config.node.tls?.privateKeyFile, "/abs/blue.key")
        XCTAssertEqual(config.connections["sup"]?.peer.caFile, "/etc/tandem/tls/ca.pem")
        XCTAssertEqual(config.instances["jira"]?.caFile, "/etc/tandem/tls/jira-ca.pem")
    }

    func testParse_TLSWithoutAKeyNamesThePath() {
        var json = valid()
        json["node"]?["tls"] = ["cert": "blue.pem"]
        assertError(json, "$.node.tls.key: is required")
    }

    func testParse_UnknownKeyInTLSIsAnError() {
        var json = valid()
        json["node"]?["tls"] = ["cert": "a.pem", "key": "a.key", "verify": false]
        XCTAssertThrowsError(try parse(json)) { error in
            XCTAssertTrue("\(error)".hasPrefix("$.node.tls.verify: unknown key"), "\(error)")
        }
    }
}
