import Foundation
import TandemHTTP
import TandemJSON
import XCTest

final class HTTPServerTests: XCTestCase {
    func testRoundTrip_RouterPathParametersAndJSONBody() throws {
        let router = Router()
        router.add("POST", "/rest/api/2/issue/{key}/comment") { request in
            let body = try request.jsonBody()
            return .json(201, ["key": .string(request.pathParameters["key"] ?? ""), "echo": body,
                               "q": .string(request.query("expand") ?? "")])
        }
        let server = try startServer(handler: router.handle)
        defer { server.stop() }
        let client = HTTPClient()
        let response = try client.send(HTTPClientRequest(
            method: "POST", url: "http://127.0.0.1:\(server.port)/rest/api/2/issue/SUP-1/comment?expand=a+b",
            headers: ["Content-Type": "application/json"], body: Array(#"{"body":"hi"}"#.utf8)))
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(try JSON(parsing: response.body), ["key": "SUP-1", "echo": ["body": "hi"], "q": "a b"])
    }

    func testDeeplyNestedJSON_IsHandledOnTheConnectionThread() throws {
        // Parsing, echoing and freeing a value at the JSON parser's depth limit
        // recurses deeply; the connection threads' stacks must hold it.
        let server = try startServer { request in
            do { return .json(200, try request.jsonBody()) } catch { return .text(400, "\(error)") }
        }
        defer { server.stop() }
        let nested = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let response = try HTTPClient().send(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/", body: Array(nested.utf8)))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, nested)
    }

    func testKeepAlive_ClientReusesOneConnection() throws {
        let server = try startServer { request in .text(200, request.remoteAddress) }
        defer { server.stop() }
        let client = HTTPClient()
        let url = "http://127.0.0.1:\(server.port)/"
        let peers = try (0..<5).map { _ in try client.send(HTTPClientRequest(method: "GET", url: url)).body }
        XCTAssertEqual(Set(peers).count, 1, "every request should arrive from the same client port")
    }
}

final class HTTPServerLifecycleTests: XCTestCase {
    func testStartTwice_Throws() throws {
        let server = try startServer(handler: okHandler)
        defer { server.stop() }
        XCTAssertThrowsError(try server.start())
    }

    func testBusyPort_ThrowsWithAReason() throws {
        let first = try startServer(handler: okHandler)
        defer { first.stop() }
        var configuration = HTTPServerConfiguration()
        configuration.port = first.port
        XCTAssertThrowsError(try HTTPServer(configuration: configuration, handler: okHandler).start()) { error in
            XCTAssertTrue("\(error)".contains("\(first.port)"), "\(error)")
        }
    }

    func testStopCalledFromAHandler_ReturnsAndStopsTheServer() throws {
        let box = ServerBox()
        let server = try startServer { _ in
            box.server?.stop()
            return .text(200, "stopping")
        }
        box.server = server
        let response = try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/", timeoutSeconds: 5))
        XCTAssertEqual(response.text, "stopping")
        XCTAssertThrowsError(try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/", timeoutSeconds: 2)))
    }

    func testStopThenStart_ServesAgain() throws {
        let server = try startServer(handler: okHandler)
        server.stop()
        _ = try server.start()
        defer { server.stop() }
        assertStillServes(server)
    }
}

final class ServerBox: @unchecked Sendable {
    var server: HTTPServer?
}
