import Foundation
import NodeHost
import TandemHTTP
import TandemJSON
import TestSupport
import XCTest

/// `attachment.get` when the content URL redirects: followed within the
/// instance, refused elsewhere, and never an empty download. The tracker is a
/// bare HTTP server that answers the attachment metadata and then `content`.
final class JiraAttachmentRedirectTests: XCTestCase {
    /// Serves metadata for attachment 1 and answers its content with `content`.
    private func download(_ content: @escaping @Sendable (HTTPRequest, String) -> HTTPResponse) throws -> Result<PluginOutput, PluginCallError> {
        let base = BaseURL()
        let server = HTTPServer(configuration: HTTPServerConfiguration()) { request in
            if request.path == "/rest/api/2/attachment/1" {
                return .json(200, ["id": "1", "filename": "f.txt", "mimeType": "text/plain", "size": 5,
                                   "content": .string(base.value + "/secure/attachment/1/f.txt")])
            }
            if request.path == "/bytes" { return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: Array("hello".utf8)) }
            return content(request, base.value)
        }
        base.value = "http://127.0.0.1:\(try server.start())"
        defer { server.stop() }
        let plugin = try PluginLoader().load(path: TestPaths.products + "/libJiraLike.so").get()
        let http = TrackerHTTPService(baseUrl: base.value, client: HTTPClient(), defaultTimeoutMs: 5000)
        var config = TrackerSide.configuration(.jira, baseURL: base.value)
        config["deployment"] = "datacenter"
        let instance = try PluginInstance(plugin: plugin, name: "redirects", configuration: .object(config),
                                          services: TrackerSide.services(http: http))
        do { return .success(try instance.call("attachment.get", ["id": "SUP-1", "attachmentId": "1"])) } catch { return .failure(error) }
    }

    func testRedirectWithinTheInstance_IsFollowed() throws {
        let output = try download { _, base in HTTPResponse(status: 302, headers: ["Location": base + "/bytes"]) }.get()
        XCTAssertEqual(output.blob, Array("hello".utf8))
    }

    func testHostRelativeRedirect_IsFollowed() throws {
        let output = try download { _, _ in HTTPResponse(status: 303, headers: ["Location": "/bytes"]) }.get()
        XCTAssertEqual(output.blob, Array("hello".utf8))
    }

    func testRedirectToAnotherHost_IsRefusedNamingIt() throws {
        let result = try download { _, _ in HTTPResponse(status: 302, headers: ["Location": "http://media.example.net/f.txt"]) }
        guard case .failure(let error) = result else { return XCTFail("a foreign redirect was followed") }
        XCTAssertEqual(error.kind, .invalid)
        XCTAssertTrue(error.message.contains("media.example.net"), error.message)
    }

    func testRedirectWithoutLocation_IsAnErrorNotAnEmptyFile() throws {
        let result = try download { _, _ in HTTPResponse(status: 302) }
        guard case .failure(let error) = result else { return XCTFail("a 302 without Location passed as a download") }
        XCTAssertEqual(error.kind, .transient)
        XCTAssertTrue(error.message.contains("without a Location"), error.message)
    }

    func testEndlessRedirects_StopAfterThree() throws {
        let result = try download { request, base in HTTPResponse(status: 302, headers: ["Location": base + request.path]) }
        guard case .failure(let error) = result else { return XCTFail("a redirect loop passed as a download") }
        XCTAssertTrue(error.message.contains("more than 3 times"), error.message)
    }
}

/// The server's own URL, known once it is bound.
private final class BaseURL: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    var value: String {
        get { lock.lock(); defer { lock.unlock() }; return text }
        set { lock.lock(); text = newValue; lock.unlock() }
    }
}
