import Foundation
import Synchronization
import TandemHTTP
import TestSupport
import XCTest

/// HTTPS on both sides: the server serves a certificate, the client verifies
/// it (trust store plus a private CA, host name) and says clearly why not.
final class TLSTests: XCTestCase {
    /// One CA and its certificates for the whole class (openssl is slow-ish).
    private static let folder = TemporaryDirectory("tls-tests")
    private static let authority = Result { try LocalCertificateAuthority(folder: folder.path + "/ca") }
    private static let otherAuthority = Result { try LocalCertificateAuthority(folder: folder.path + "/other-ca", name: "Other CA") }

    private func ca() throws -> LocalCertificateAuthority { try Self.authority.get() }

    private func httpsServer(_ issued: LocalCertificateAuthority.Issued,
                             handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse = okHandler) throws -> HTTPServer {
        try startServer({
            $0.tls = HTTPServerTLS(certificateFile: issued.certificateFile, privateKeyFile: issued.keyFile)
        }, handler: handler)
    }

    private func tlsFailure(_ client: HTTPClient, _ url: String) -> String? {
        do {
            _ = try client.send(HTTPClientRequest(method: "GET", url: url, timeoutSeconds: 10))
            return nil
        } catch .tlsFailure(let detail) {
            return detail
        } catch {
            return "not a TLS failure: \(error)"
        }
    }

    func testHTTPSWithPrivateCA_Succeeds() throws {
        let server = try httpsServer(try ca().issue("good")) { request in .text(200, "got \(request.body.count) bytes") }
        defer { server.stop() }
        let response = try HTTPClient(caFile: try ca().caFile).send(HTTPClientRequest(
            method: "POST", url: "https://127.0.0.1:\(server.port)/x", body: Array("hello".utf8)))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "got 5 bytes")
    }

    func testHTTPSByHostName_SendsSNIAndVerifiesTheName() throws {
        let sniSeen = Mutex<String?>(nil)
        let server = try httpsServer(try ca().issue("by-name", hosts: ["localhost"])) { request in
            sniSeen.withLock { $0 = request.headers["Host"] }
            return .text(200, "ok")
        }
        defer { server.stop() }
        let response = try HTTPClient(caFile: try ca().caFile).send(HTTPClientRequest(
            method: "GET", url: "https://localhost:\(server.port)/"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(sniSeen.withLock { $0 }, "localhost:\(server.port)")
    }

    func testLargeBodiesTravelBothWaysOverTLS() throws {
        let server = try httpsServer(try ca().issue("large")) { request in HTTPResponse(status: 200, body: request.body.reversed()) }
        defer { server.stop() }
        let body = (0..<(5 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let response = try HTTPClient(caFile: try ca().caFile).send(HTTPClientRequest(
            method: "PUT", url: "https://127.0.0.1:\(server.port)/blob", body: body, timeoutSeconds: 60))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, body.reversed())
    }

    func testKeepAlive_ReusesOneTLSConnection() throws {
        let peers = Mutex<Set<String>>([])
        let server = try httpsServer(try ca().issue("reuse")) { request in
            peers.withLock { _ = $0.insert(request.remoteAddress) }
            return .text(200, "ok")
        }
        defer { server.stop() }
        let client = HTTPClient(caFile: try ca().caFile)
        for _ in 0..<5 {
            XCTAssertEqual(try client.send(HTTPClientRequest(method: "GET", url: "https://127.0.0.1:\(server.port)/")).status, 200)
        }
        XCTAssertEqual(peers.withLock { $0.count }, 1, "all five requests should share one connection")
    }

    func testPlainAndTLSConnectionsToOneHostAreNotMixed() throws {
        let tlsServer = try httpsServer(try ca().issue("mixed"))
        defer { tlsServer.stop() }
        let plainServer = try startServer(handler: okHandler)
        defer { plainServer.stop() }
        let client = HTTPClient(caFile: try ca().caFile)
        XCTAssertEqual(try client.send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(plainServer.port)/")).status, 200)
        XCTAssertEqual(try client.send(HTTPClientRequest(method: "GET", url: "https://127.0.0.1:\(tlsServer.port)/")).status, 200)
        XCTAssertEqual(try client.send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(plainServer.port)/")).status, 200)
    }

    func testCertificateFromAnUnknownCA_IsRefusedWithAHint() throws {
        let server = try httpsServer(try ca().issue("unknown-ca"))
        defer { server.stop() }
        let detail = try XCTUnwrap(tlsFailure(HTTPClient(), "https://127.0.0.1:\(server.port)/"))
        XCTAssertTrue(detail.contains("certificate verify failed"), detail)
        XCTAssertTrue(detail.contains("local issuer"), detail)
        XCTAssertTrue(detail.contains("caFile"), detail)
    }

    func testCertificateFromAnotherPrivateCA_IsRefused() throws {
        let server = try httpsServer(try ca().issue("wrong-ca"))
        defer { server.stop() }
        let detail = try XCTUnwrap(tlsFailure(HTTPClient(caFile: try Self.otherAuthority.get().caFile), "https://127.0.0.1:\(server.port)/"))
        XCTAssertTrue(detail.contains("certificate verify failed"), detail)
        XCTAssertTrue(detail.contains("local issuer"), detail)
    }

    func testExpiredCertificate_IsRefused() throws {
        let server = try httpsServer(try ca().issue("expired", validDays: nil))
        defer { server.stop() }
        let detail = try XCTUnwrap(tlsFailure(HTTPClient(caFile: try ca().caFile), "https://127.0.0.1:\(server.port)/"))
        XCTAssertTrue(detail.contains("certificate has expired"), detail)
        XCTAssertTrue(detail.contains("renew"), detail)
    }

    func testCertificateForAnotherHost_IsRefused() throws {
        let server = try httpsServer(try ca().issue("other-host", hosts: ["other.example", "10.9.8.7"]))
        defer { server.stop() }
        let byAddress = try XCTUnwrap(tlsFailure(HTTPClient(caFile: try ca().caFile), "https://127.0.0.1:\(server.port)/"))
        XCTAssertTrue(byAddress.contains("mismatch"), byAddress)
        let byName = try XCTUnwrap(tlsFailure(HTTPClient(caFile: try ca().caFile), "https://localhost:\(server.port)/"))
        XCTAssertTrue(byName.contains("mismatch"), byName)
    }

    func testUnreadableCAFile_IsAClearError() {
        XCTAssertThrowsError(try HTTPClient(caFile: "/nonexistent/ca.pem").checkTrust()) { error in
            XCTAssertTrue("\(error)".contains("cannot read the CA file /nonexistent/ca.pem"), "\(error)")
        }
    }

    func testServerWithAKeyOfAnotherCertificate_RefusesToStart() throws {
        let first = try ca().issue("pair-a")
        let second = try ca().issue("pair-b")
        let server = HTTPServer(configuration: {
            var configuration = HTTPServerConfiguration()
            configuration.tls = HTTPServerTLS(certificateFile: first.certificateFile, privateKeyFile: second.keyFile)
            return configuration
        }()) { _ in .text(200, "ok") }
        XCTAssertThrowsError(try server.start()) { error in
            XCTAssertTrue("\(error)".contains("is not the unencrypted PEM private key of the certificate"), "\(error)")
        }
    }

    func testPlainHTTPToAnHTTPSServer_GetsNoResponseAndTheServerKeepsServing() throws {
        let server = try httpsServer(try ca().issue("plain-probe"))
        defer { server.stop() }
        XCTAssertThrowsError(try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/", timeoutSeconds: 5)))
        XCTAssertEqual(try HTTPClient(caFile: try ca().caFile).send(HTTPClientRequest(method: "GET", url: "https://127.0.0.1:\(server.port)/")).status, 200)
    }

    func testTLSBelow1_2_IsRefusedByTheServer() throws {
        let server = try httpsServer(try ca().issue("old-tls"))
        defer { server.stop() }
        let result = try ChildProcess.run("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_1",
                                                               "-cipher", "DEFAULT@SECLEVEL=0"], input: "")
        XCTAssertNotEqual(result.status, 0, "a TLS 1.1 handshake must fail: \(result.stdout.suffix(300))")
    }
}
