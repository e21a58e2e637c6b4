import NodeHost
import TandemHTTP
import TandemJSON
import TestSupport
import TrackerSim
import XCTest

/// Tracker answers → error kinds, the same way for both connectors:
/// 401 auth (403 only for a refused login), 404 not found, 400 invalid with the tracker's words,
/// 429 rate limited with Retry-After, 5xx and refused connections transient.
final class ConnectorErrorMappingTests: XCTestCase {
    private let trackers: [TrackerSide.Tracker] = [.jira, .serviceNow]

    func testWrongPassword_IsAuth() throws {
        for tracker in trackers {
            let side = try TrackerSide(tracker) { $0["auth"] = ["type": "basic", "user": "sync", "password": "wrong"] }
            let error = side.failure("get", ["id": "1"])
            XCTAssertEqual(error?.kind, .auth, "\(tracker)")
            XCTAssertTrue(error?.message.hasPrefix("get: tracker refused the credentials (HTTP 401)") ?? false, error?.message ?? "")
        }
    }

    func testWrongBearerToken_IsAuth() throws {
        for tracker in trackers {
            let side = try TrackerSide(tracker) { $0["auth"] = ["type": "bearer", "token": "nope"] }
            XCTAssertEqual(side.failure("search", ["cursor": nil])?.kind, .auth, "\(tracker)")
        }
    }

    func testPasswordFromTheHostSecretStore_IsUsed() throws {
        for tracker in trackers {
            let side = try TrackerSide(tracker) { $0["auth"] = ["type": "basic", "user": "sync", "password": ["secret": "tracker-password"]] }
            XCTAssertNoThrow(try side.call("search", ["cursor": nil]), "\(tracker)")
        }
    }

    func testUnknownId_IsNotFoundWithTheTrackersMessage() throws {
        let jira = try TrackerSide(.jira)
        XCTAssertEqual(jira.failure("get", ["id": "99999"])?.message,
                       "get: not found (HTTP 404): Issue does not exist or you do not have permission to see it.")
        let snow = try TrackerSide(.serviceNow)
        let error = snow.failure("get", ["id": "0123456789abcdef0123456789abcdef"])
        XCTAssertEqual(error?.kind, .notFound)
        XCTAssertTrue(error?.message.hasPrefix("get: not found (HTTP 404): No Record found") ?? false, error?.message ?? "")
    }

    func testJiraBadRequest_IsInvalidCarryingJirasMessage() throws {
        let jira = try TrackerSide(.jira)
        let error = jira.failure("create", ["fields": ["description": "no summary"]])
        XCTAssertEqual(error?.kind, .invalid)
        XCTAssertEqual(error?.message, "create: tracker refused the request (HTTP 400): summary: You must specify a summary of the issue.")
    }

    func testJiraBadQuery_IsInvalidCarryingJirasMessage() throws {
        let jira = try TrackerSide(.jira)
        let error = jira.failure("search", ["query": "summary ~~ (", "cursor": nil])
        XCTAssertEqual(error?.kind, .invalid)
        XCTAssertTrue(error?.message.hasPrefix("search: tracker refused the request (HTTP 400): ") ?? false, error?.message ?? "")
    }

    func testServiceNowBadRequest_IsInvalidCarryingServiceNowsMessage() throws {
        XCTAssertThrowsError(try TrackerSide(.serviceNow) { $0["table"] = "no_such_table" }) { error in
            XCTAssertEqual((error as? PluginCallError)?.kind, .invalid)
            XCTAssertTrue((error as? PluginCallError)?.message.contains("Invalid table no_such_table") ?? false, "\(error)")
        }
    }

    func testRateLimit_IsRateLimitedWithRetryAfterInMilliseconds() throws {
        for tracker in trackers {
            let side = try TrackerSide(tracker)
            side.setFaults(FaultPolicy(rateLimitPerSecond: 1))
            var limited: PluginCallError?
            for _ in 0..<20 where limited == nil {
                do { try side.call("search", ["cursor": nil]) } catch let error as PluginCallError { limited = error }
            }
            XCTAssertEqual(limited?.kind, .rateLimited, "\(tracker)")
            XCTAssertEqual(limited?.retryAfterMs, 1000, "\(tracker)")
        }
    }

    func testServerError_IsTransient() throws {
        for tracker in trackers {
            let side = try TrackerSide(tracker)
            side.setFaults(FaultPolicy(failRate: 1))
            let error = side.failure("get", ["id": "1"])
            XCTAssertEqual(error?.kind, .transient, "\(tracker)")
            XCTAssertTrue(error?.message.contains("HTTP 503") ?? false, error?.message ?? "")
        }
    }

    func testRefusedConnection_IsTransient() throws {
        let closed = HTTPServer(configuration: HTTPServerConfiguration()) { _ in HTTPResponse(status: 200) }
        let base = "http://127.0.0.1:\(try closed.start())"
        closed.stop()
        for (tracker, file) in [(TrackerSide.Tracker.jira, "libJiraLike.so"), (.serviceNow, "libServiceNowLike.so")] {
            let plugin = try PluginLoader().load(path: TestPaths.products + "/" + file).get()
            let http = TrackerHTTPService(baseUrl: base, client: HTTPClient(), defaultTimeoutMs: 2000)
            let instance = try PluginInstance(plugin: plugin, name: "closed", configuration: .object(TrackerSide.configuration(tracker, baseURL: base)),
                                              services: TrackerSide.services(http: http))
            XCTAssertThrowsError(try instance.call("get", ["id": "1"])) { error in
                XCTAssertEqual((error as? PluginCallError)?.kind, .transient, "\(tracker)")
                XCTAssertTrue((error as? PluginCallError)?.message.hasPrefix("get: GET ") ?? false, "\(error)")
            }
        }
    }

    func testNoOperationLogsTheCredentials() throws {
        for tracker in trackers {
            let side = try TrackerSide(tracker)
            let id = try side.createEntity("quiet")
            _ = try side.call("get", ["id": .string(id)])
            _ = side.failure("get", ["id": "0"])
            XCTAssertFalse(side.logLines.contains { $0.contains(TrackerSide.password) }, "\(tracker)")
        }
    }
}
