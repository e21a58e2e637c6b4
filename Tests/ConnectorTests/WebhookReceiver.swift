import Foundation
import Synchronization
import TandemHTTP
import XCTest

/// A loopback HTTP endpoint that keeps every webhook delivered to it.
final class WebhookReceiver: @unchecked Sendable {
    struct Delivery: Sendable {
        var headers: [String: String]
        var body: String
    }

    private let server: HTTPServer
    private let received: DeliveryBox
    let url: String

    init() throws {
        let received = DeliveryBox()
        self.received = received
        server = HTTPServer(configuration: HTTPServerConfiguration()) { request in
            var headers: [String: String] = [:]
            for (name, value) in request.headers { headers[name.lowercased()] = value }
            received.storage.withLock { $0.append(Delivery(headers: headers, body: String(decoding: request.body, as: UTF8.self))) }
            return HTTPResponse(status: 204)
        }
        url = "http://127.0.0.1:\(try server.start())/hook"
    }

    deinit { server.stop() }

    /// Waits (up to 10 s) until `count` deliveries arrived; returns them in order.
    func deliveries(count: Int, file: StaticString = #filePath, line: UInt = #line) -> [Delivery] {
        for _ in 0..<1000 {
            let now = received.storage.withLock { $0 }
            if now.count >= count { return now }
            usleep(10_000)
        }
        XCTFail("only \(received.storage.withLock { $0.count }) of \(count) webhooks arrived", file: file, line: line)
        return received.storage.withLock { $0 }
    }
}

private final class DeliveryBox: Sendable {
    let storage = Mutex<[WebhookReceiver.Delivery]>([])
}
