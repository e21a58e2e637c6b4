import Foundation
@testable import NodeHost
import TandemHTTP
import TandemJSON
import TandemTime
import TestSupport
import XCTest

/// The signed hello between nodes: whether the peer knows a connection,
/// holds the same secret and speaks a compatible protocol.
final class PeerHelloTests: XCTestCase {
    private var nodes: FileStoreNodes!

    override func setUpWithError() throws {
        nodes = try FileStoreNodes()
        try nodes.start()
    }

    override func tearDown() { nodes?.stop() }

    private func ask(connection: String = "files", secret: String? = nil, port: Int? = nil) -> PeerHello.Verdict {
        PeerHello.ask(connection: connection, peerURL: "http://127.0.0.1:\(port ?? nodes.greenPort)",
                      secret: secret ?? nodes.secret, client: HTTPClient())
    }

    func testAPeerThatKnowsTheConnection_AnswersWithItsNameAndProtocols() {
        XCTAssertEqual(ask(), .compatible(node: "green", protocol: ProtocolVersion.current.description))
    }

    func testAPeerWithoutTheConnection_ButWithItsSecret_NamesItsConnectionForThatSecret() {
        let verdict = ask(connection: "no-such-connection")
        XCTAssertEqual(verdict, .unknownConnection(secretOf: "files"))
        XCTAssertTrue(verdict.explanation(connection: "no-such-connection", peerURL: "P")
            .contains("does not know connection 'no-such-connection' with this secret; its connection 'files' has it"))
    }

    func testAnotherSecret_IsASecretMismatch() {
        XCTAssertEqual(ask(secret: "another-secret-0123456789"), .refused)
    }

    func testNoPeerListening_IsUnreachable() {
        guard case .unreachable = ask(port: freePort()) else { return XCTFail("expected unreachable") }
    }

    /// A hello signed with `secret` for `connection`, as anyone could send it.
    private func hello(connection: String, secret: String) throws -> HTTPResponse {
        var headers = HTTPHeaders()
        for (name, value) in RequestSigner(secret: secret).headers(connection: connection, method: "GET", target: PeerHello.path,
                                                                   body: [], now: Timestamp.now() / 1000) {
            headers[name] = value
        }
        return try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(nodes.greenPort)\(PeerHello.path)",
                                                       headers: headers))
    }

    func testAStranger_GetsTheSameAnswerForAnUnknownConnectionAsForABadSignature() throws {
        let guessed = "a-guessed-secret-0123456789"
        let unknown = try hello(connection: "no-such-connection", secret: guessed)
        let badSignature = try hello(connection: "files", secret: guessed)
        XCTAssertEqual(unknown.status, 401)
        XCTAssertEqual(unknown.status, badSignature.status)
        XCTAssertEqual(String(decoding: unknown.body, as: UTF8.self), String(decoding: badSignature.body, as: UTF8.self))
        XCTAssertEqual(unknown.headers["Content-Type"], badSignature.headers["Content-Type"])
        XCTAssertNil(unknown.headers[RequestSigner.signatureHeader])
        XCTAssertNil(badSignature.headers[RequestSigner.signatureHeader])
    }

    func testABadSecretForAnUnknownConnection_IsRefusedLikeAnyBadSignature() {
        XCTAssertEqual(ask(connection: "no-such-connection", secret: "another-secret-0123456789"), .refused)
        XCTAssertTrue(PeerHello.Verdict.refused.explanation(connection: "x", peerURL: "P")
            .contains("does not know connection 'x', or holds another peer.secret for it"))
    }

    func testAnUnsignedHello_GetsA401() throws {
        var headers = HTTPHeaders()
        headers[RequestSigner.connectionHeader] = "files"
        let response = try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(nodes.greenPort)\(PeerHello.path)",
                                                               headers: headers))
        XCTAssertEqual(response.status, 401)
    }
}
