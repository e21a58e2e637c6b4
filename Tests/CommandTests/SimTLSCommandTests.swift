import Foundation
import TestSupport
import XCTest

/// `tandem sim … --tls-cert FILE --tls-key FILE`, run as a user would run it.
final class SimTLSCommandTests: XCTestCase {
    func testCertificateWithoutKey_IsAUsageError() throws {
        let result = try ChildProcess.tandem(["sim", "jira", "--port", "0", "--user", "u", "--password", "p", "--tls-cert", "a.pem"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--tls-cert FILE and --tls-key FILE go together"), result.stderr)
    }

    func testUnreadableCertificate_SaysWhichFile() throws {
        let result = try ChildProcess.tandem(["sim", "servicenow", "--port", "0", "--user", "u", "--password", "p",
                                              "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("cannot read the TLS certificate file /nonexistent/cert.pem"), result.stderr)
    }

    func testWithCertificateAndKey_AnnouncesHTTPS() throws {
        let folder = TemporaryDirectory("sim-tls")
        let issued = try LocalCertificateAuthority(folder: folder.file("ca")).issue("sim")
        let sim = try BackgroundProcess("jira-sim", TestPaths.tandem,
                                        ["sim", "jira", "--port", "0", "--user", "u", "--password", "p",
                                         "--tls-cert", issued.certificateFile, "--tls-key", issued.keyFile],
                                        logFolder: folder.path)
        defer { sim.stop() }
        XCTAssertTrue(sim.url.hasPrefix("https://127.0.0.1:"), sim.url)
    }
}
