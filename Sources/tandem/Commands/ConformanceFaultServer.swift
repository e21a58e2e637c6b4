import Foundation
import TandemHTTP
import TandemJSON

/// A tracker that answers every request with one chosen failure, so the
/// `error-kinds` check sees how a plugin maps each status. It listens on
/// 127.0.0.1 only, on a free port.
final class ConformanceFaultServer: @unchecked Sendable {
    private let lock = NSLock()
    private var status = 500
    private var server: HTTPServer?

    /// Starts serving; returns the base URL.
    func start() throws -> String {
        var configuration = HTTPServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let server = HTTPServer(configuration: configuration) { [self] _ in
            let status = lock.withLock { self.status }
            let message = "HTTP \(status) forced by tandem plugins check"
            // Both common error envelopes, so a connector finds a message in either.
            var response = HTTPResponse.json(status, ["errorMessages": [.string(message)], "error": ["message": .string(message)]])
            if status == 429 { response.headers["Retry-After"] = "2" }
            return response
        }
        let port = try server.start()
        self.server = server
        return "http://127.0.0.1:\(port)"
    }

    /// Every following request is answered with `status`.
    func answer(with status: Int) { lock.withLock { self.status = status } }

    func stop() { server?.stop() }
}
