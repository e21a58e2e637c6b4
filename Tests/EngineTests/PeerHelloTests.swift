import Foundation
@testable import NodeHost
import TandemHTTP
import TandemJSON
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

    func testAPeerWithoutTheConnection_SaysExactlyThat() {
        let verdict = ask(connection: "no-such-connection")
        XCTAssertEqual(verdict, .unknownConnection)
        XCTAssertTrue(verdict.explanation(connection: "no-such-connection", peerURL: "P").contains("does not know connection 'no-such-connection'"))
    }

    func testAnotherSecret_IsASecretMismatch() {
        XCTAssertEqual(ask(secret: "another-secret-0123456789"), .secretMismatch)
    }

    func testNoPeerListening_IsUnreachable() {
        guard case .unreachable = ask(port: freePort()) else { return XCTFail("expected unreachable") }
    }

    func testAnUnsignedHello_GetsA401() throws {
        var headers = HTTPHeaders()
        headers[RequestSigner.connectionHeader] = "files"
        let response = try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(nodes.greenPort)\(PeerHello.path)",
                                                               headers: headers))
        XCTAssertEqual(response.status, 401)
    }
}
