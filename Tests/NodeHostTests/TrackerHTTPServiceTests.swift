import NodeHost
import TandemHTTP
import XCTest

/// The host, not the plugin, decides where a connector's requests may go.
final class TrackerHTTPServiceTests: XCTestCase {
    private var server: HTTPServer!
    private var base = ""

    override func setUpWithError() throws {
        server = HTTPServer(configuration: HTTPServerConfiguration()) { request in
            .text(200, "\(request.method) \(request.target) \(String(decoding: request.body, as: UTF8.self))")
        }
        base = "http://127.0.0.1:\(try server.start())/rest"
    }

    override func tearDown() { server.stop() }

    private func request(_ url: String, method: String = "GET", body: String = "") -> HostHTTPRequest {
        HostHTTPRequest(method: method, url: url, headers: ["X-Test": "1"], body: Array(body.utf8), timeoutMs: 0)
    }

    func testPerform_ResolvesARelativePathAgainstTheBaseURL() throws {
        let service = TrackerHTTPService(baseUrl: base, client: HTTPClient())
        let answer = try service.perform(request("/rest/api/2/issue?x=1", method: "POST", body: "{}")).get()
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), "POST /rest/rest/api/2/issue?x=1 {}")
        XCTAssertEqual(service.requestsByStatus, [200: 1])
    }

    func testPerform_AcceptsAnAbsoluteURLInsideTheBase() throws {
        let service = TrackerHTTPService(baseUrl: base, client: HTTPClient())
        XCTAssertEqual(try service.perform(request(base + "/api")).get().status, 200)
    }

    func testPerform_RefusesURLsOutsideTheBase_WithoutSendingThem() {
        let service = TrackerHTTPService(baseUrl: base, client: HTTPClient())
        for url in ["http://127.0.0.1:1/rest/api", base + "x/api", base + "/../admin", "http://example.invalid/"] {
            guard case .failure(.notAllowed(let reason)) = service.perform(request(url)) else {
                return XCTFail("\(url) was not refused")
            }
            XCTAssertTrue(reason.contains("outside this connection's base URL"), reason)
        }
        XCTAssertEqual(service.requestCount, 0)
    }

    func testPerform_MapsARefusedConnectionToUnreachable() {
        let closed = HTTPServer(configuration: HTTPServerConfiguration()) { _ in .text(200, "") }
        let port = try! closed.start()
        closed.stop()
        let service = TrackerHTTPService(baseUrl: "http://127.0.0.1:\(port)", client: HTTPClient(), defaultTimeoutMs: 2_000)
        guard case .failure(.unreachable) = service.perform(request("/x")) else { return XCTFail("expected unreachable") }
        XCTAssertEqual(service.requestsByStatus, [0: 1])
    }

    func testPerform_PacesRequestsToTheConfiguredRate() throws {
        let service = TrackerHTTPService(baseUrl: base, client: HTTPClient(), maxRequestsPerSecond: 4)
        let start = Date()
        for _ in 0..<6 { _ = try service.perform(request("/x")).get() }
        // A burst of 4, then two more at 4 per second: at least 0.5 s in all.
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.45)
    }
}
