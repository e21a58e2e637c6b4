import Foundation
@testable import NodeHost
import PluginAPI
import Synchronization
import TandemJSON
import XCTest

/// Host services between an isolated plugin host and the node: a request
/// the node does not answer, or cannot read, is an error with its reason,
/// never an empty answer.
final class HostServiceFramesTests: XCTestCase {
    /// A channel whose other end is already closed: every request fails as `.closed`.
    private func closedChannel() -> FrameChannel {
        var fds: [Int32] = [-1, -1]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        close(fds[1])
        let channel = FrameChannel(fd: fds[0], reading: .callers(doorbell: nil), handler: { _ in nil })
        channel.start(name: "closed")
        return channel
    }

    private let request = HostHTTPRequest(method: "GET", url: "/rest/api/2/issue/1", headers: [:], body: [], timeoutMs: 0)

    func testAnHTTPRequestTheNodeDoesNotAnswerIsUnreachableWithTheReason() {
        let channel = closedChannel()
        let services = HostServices.remote(over: { channel })
        guard case .failure(.unreachable(let reason)) = services.http(request) else {
            return XCTFail("expected a transient failure")
        }
        XCTAssertTrue(reason.contains("host.http") && reason.contains("closed"), reason)
    }

    func testASecretTheNodeDoesNotAnswerIsAnErrorWithTheReason_NotAMissingSecret() {
        let channel = closedChannel()
        let services = HostServices.remote(over: { channel })
        XCTAssertThrowsError(try services.secret("tracker-password")) { error in
            XCTAssertTrue("\(error)".contains("host.secret"), "\(error)")
        }
    }

    func testAMalformedRequestFromThePluginHostIsRefusedWithItsReason_AndNotServed() throws {
        let served = Atomic<Int>(0)
        let services = HostServices(log: { _, _, _ in }, http: { _ in
            served.add(1, ordering: .relaxed)
            return .success(HostHTTPResponse(status: 200, headers: [:], body: []))
        }, secret: { _ in nil }, nowMs: { 0 })
        let frame = PluginFrame(id: 7, kind: .request, operation: "host.http", json: Array(#"{"method": "GET", "url""#.utf8))
        let answer = try XCTUnwrap(services.answer(frame, instance: "jira"))
        XCTAssertEqual(answer.status, TANDEM_STATUS_INVALID)
        XCTAssertTrue(String(decoding: answer.json, as: UTF8.self).contains("malformed host.http"),
                      String(decoding: answer.json, as: UTF8.self))
        XCTAssertEqual(served.load(ordering: .relaxed), 0)
    }

    func testASecretTheNodeCannotLookUpNowIsAnsweredTransient() throws {
        let services = HostServices(log: { _, _, _ in }, http: { _ in .failure(.unreachable("none")) },
                                    secret: { _ throws(HostServiceError) in throw HostServiceError("vault sealed") }, nowMs: { 0 })
        let frame = PluginFrame(id: 8, kind: .request, operation: "host.secret", json: Array(#"{"name": "x"}"#.utf8))
        let answer = try XCTUnwrap(services.answer(frame, instance: "jira"))
        XCTAssertEqual(answer.status, TANDEM_STATUS_TRANSIENT)
        XCTAssertTrue(String(decoding: answer.json, as: UTF8.self).contains("vault sealed"))
    }
}
