import Foundation
import TandemHTTP
#if canImport(Glibc)
import Glibc
#endif
import TandemTime
import TandemThreads

/// Delivers webhook POSTs on its own background thread, so the request that caused
/// a change never waits for a receiver.
///
/// A delivery that gets a non-2xx answer or no answer is retried after 0.2, 0.5, 1,
/// 2 and 4 seconds (six attempts in all), then counted as failed. Deliveries are
/// independent: one being retried does not hold back others. The headers of a
/// delivery (including its identifier) are the same on every attempt, except
/// `retryHeader`, which carries the retry number from the second attempt on.
final class WebhookDispatcher: @unchecked Sendable {
    struct Delivery {
        var url: String
        var body: [UInt8]
        var headers: HTTPHeaders
        var attempt = 0
        var due: Double = 0
    }

    /// Counts since start, for `/_sim/webhooks` and tests.
    struct Counts: Equatable {
        var delivered = 0
        var failed = 0
        var attempts = 0
        var pending = 0
    }

    static let backoffSeconds: [Double] = [0.2, 0.5, 1, 2, 4]

    private let condition = NSCondition()
    /// New deliveries in arrival order; `freshHead` is the next to send.
    /// Taking from the head is O(1), so a backlog drains at the receiver's pace.
    private var fresh: [Delivery] = []
    private var freshHead = 0
    /// Deliveries waiting for a retry, few at any time.
    private var retries: [Delivery] = []
    private let threads = WorkerGroup(name: "sim-webhooks")
    private var inFlight = 0
    private var counts = Counts()
    /// Like the real trackers, several deliveries run at once, so webhooks may
    /// arrive out of order (Atlassian documents this); receivers must cope.
    static let deliveryThreads = 4
    private let client = HTTPClient(maxIdleConnectionsPerHost: 2)
    private let retryHeader: String?
    private let timeoutSeconds: Double

    init(retryHeader: String?, timeoutSeconds: Double = 5) {
        self.retryHeader = retryHeader
        self.timeoutSeconds = timeoutSeconds
    }

    func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !threads.isRunning else { return }
        threads.start(count: Self.deliveryThreads) { [self] _ in loop() }
    }

    /// Stops the threads after the attempts in flight; undelivered webhooks are dropped.
    func stop() {
        threads.stop(wake: { condition.lock(); condition.broadcast(); condition.unlock() })
    }

    /// Queues one POST; returns at once.
    func enqueue(url: String, body: [UInt8], headers: HTTPHeaders) {
        condition.lock()
        fresh.append(Delivery(url: url, body: body, headers: headers, due: Timestamp.monotonicSeconds()))
        condition.signal()
        condition.unlock()
    }

    var snapshot: Counts {
        condition.lock()
        defer { condition.unlock() }
        var result = counts
        result.pending = fresh.count - freshHead + retries.count + inFlight
        return result
    }

    private func loop() {
        condition.lock()
        while threads.isRunning {
            let now = Timestamp.monotonicSeconds()
            let dueRetry = retries.indices.min(by: { retries[$0].due < retries[$1].due })
            var delivery: Delivery
            if let retry = dueRetry, retries[retry].due <= now {
                delivery = retries.remove(at: retry)  // older events first
            } else if freshHead < fresh.count {
                delivery = fresh[freshHead]
                freshHead += 1
                if freshHead >= 1_024 && freshHead * 2 >= fresh.count {
                    fresh.removeFirst(freshHead)
                    freshHead = 0
                }
            } else if let retry = dueRetry {
                _ = condition.wait(until: Date(timeIntervalSinceNow: retries[retry].due - now))
                continue
            } else {
                condition.wait()
                continue
            }
            inFlight += 1
            condition.unlock()
            let succeeded = send(delivery)
            condition.lock()
            inFlight -= 1
            counts.attempts += 1
            if succeeded {
                counts.delivered += 1
            } else if delivery.attempt < Self.backoffSeconds.count {
                delivery.due = Timestamp.monotonicSeconds() + Self.backoffSeconds[delivery.attempt]
                delivery.attempt += 1
                retries.append(delivery)
            } else {
                counts.failed += 1
            }
        }
        condition.unlock()
    }

    private func send(_ delivery: Delivery) -> Bool {
        var headers = delivery.headers
        if let retryHeader, delivery.attempt > 0 { headers[retryHeader] = String(delivery.attempt) }
        let request = HTTPClientRequest(method: "POST", url: delivery.url, headers: headers, body: delivery.body, timeoutSeconds: timeoutSeconds)
        do {
            let response = try client.send(request)
            return (200..<300).contains(response.status)
        } catch {
            return false
        }
    }
}
