import Foundation
import TandemHTTP
import TandemJSON
import TestSupport

/// A headless Chromium driven over the W3C WebDriver protocol (chromedriver),
/// with the project's own HTTP client: enough to log in, click, type, read
/// text and take screenshots of the console.
///
/// Needs the Debian packages `chromium` and `chromium-driver`
/// (`Tests/browser-deps.sh` installs them).
final class WebDriver {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static let driverPath = "/usr/bin/chromedriver"
    static let browserPath = "/usr/bin/chromium"
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: driverPath) && FileManager.default.isExecutableFile(atPath: browserPath)
    }

    private let process = Process()
    private let base: String
    private let session: String
    private let client = HTTPClient()
    private let profile = TemporaryDirectory("chromium")
    let logPath: String

    init(width: Int = 1280, height: Int = 800, logFolder: String) throws {
        let port = freePort()
        base = "http://127.0.0.1:\(port)"
        logPath = logFolder + "/chromedriver.log"
        process.executableURL = URL(fileURLWithPath: Self.driverPath)
        process.arguments = ["--port=\(port)", "--log-path=\(logPath)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let client = self.client
        let base = self.base
        guard eventually(timeout: 30, every: 0.1, {
            (try? client.send(HTTPClientRequest(method: "GET", url: base + "/status", timeoutSeconds: 2)))?.status == 200
        }) else {
            process.terminate()
            throw Failure(description: "chromedriver did not answer on \(base) within 30 s; see \(logPath)")
        }
        let options: JSON = [
            "binary": .string(Self.browserPath),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     .string("--window-size=\(width),\(height)"), .string("--user-data-dir=\(profile.path)")],
        ]
        let answer = try Self.call(client, "POST", base + "/session",
                                   ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]])
        guard let id = (answer["value"]?["sessionId"] ?? answer["sessionId"])?.stringValue else {
            process.terminate()
            throw Failure(description: "chromedriver opened no session: \(answer.text)")
        }
        session = base + "/session/" + id
    }

    deinit {
        _ = try? Self.call(client, "DELETE", session, nil)
        process.terminate()
        process.waitUntilExit()
    }

    // MARK: - Commands

    func open(_ url: String) throws { _ = try send("POST", "/url", ["url": .string(url)]) }

    func setWindow(width: Int, height: Int) throws {
        _ = try send("POST", "/window/rect", ["width": .int(Int64(width)), "height": .int(Int64(height))])
    }

    /// The elements matching a CSS selector (none is not an error).
    func elements(_ css: String) throws -> [String] {
        let found = try send("POST", "/elements", ["using": "css selector", "value": .string(css)])
        return (found.arrayValue ?? []).compactMap { $0.objectValue?.values.first?.stringValue }
    }

    func click(_ element: String) throws { _ = try send("POST", "/element/\(element)/click", [:]) }

    func type(_ text: String, into element: String) throws {
        _ = try send("POST", "/element/\(element)/clear", [:])
        _ = try send("POST", "/element/\(element)/value", ["text": .string(text)])
    }

    /// Whether the element is shown (not hidden by an attribute or a style).
    func isDisplayed(_ element: String) throws -> Bool { try send("GET", "/element/\(element)/displayed", nil).boolValue ?? false }

    func text(_ element: String) throws -> String { try send("GET", "/element/\(element)/text", nil).stringValue ?? "" }

    /// The visible text of the whole page.
    func pageText() throws -> String {
        guard let body = try elements("body").first else { return "" }
        return try text(body)
    }

    func execute(_ script: String) throws -> JSON {
        try send("POST", "/execute/sync", ["script": .string(script), "args": []])
    }

    /// A PNG of the viewport, written to `path`.
    func screenshot(to path: String) throws {
        guard let base64 = try send("GET", "/screenshot", nil).stringValue, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot")
        }
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Waits (generously) until the page's text contains `text`.
    @discardableResult
    func waitForText(_ text: String, timeout: Double = 20) throws -> Bool {
        try eventually(timeout: timeout, every: 0.2) { try pageText().contains(text) }
    }

    /// Waits until an element matches `css`; returns the first.
    func waitFor(_ css: String, timeout: Double = 20) throws -> String {
        var found: String?
        _ = try eventually(timeout: timeout, every: 0.2) { found = try elements(css).first; return found != nil }
        guard let found else { throw Failure(description: "no element '\(css)' within \(timeout) s; page: \(try pageText().prefix(500))") }
        return found
    }

    private func send(_ method: String, _ path: String, _ body: JSON?) throws -> JSON {
        try Self.call(client, method, session + path, body)["value"] ?? .null
    }

    private static func call(_ client: HTTPClient, _ method: String, _ url: String, _ body: JSON?) throws -> JSON {
        var headers = HTTPHeaders()
        if body != nil { headers["Content-Type"] = "application/json" }
        let response = try client.send(HTTPClientRequest(method: method, url: url, headers: headers,
                                                         body: body?.serialized() ?? [], timeoutSeconds: 60))
        let json = (try? JSON(parsing: response.body)) ?? .null
        guard (200..<300).contains(response.status) else {
            throw Failure(description: "WebDriver \(method) \(url) → HTTP \(response.status): \(json["value"]?["message"]?.stringValue ?? response.text)")
        }
        return json
    }
}
