import Foundation
import TandemSQL
import TandemTime

/// The store's failures while the node runs: the last one and whether the
/// store is failing now (a failure since the last successful write).
///
/// `Store` reports every `SQLError` here, so that no failure stays silent
/// even when its caller copes (a scheduler that tries again later). The
/// node turns reports into `tandem_store_errors_total`, a log line, and
/// `/healthz` "degraded" plus `/readyz` not ready while failing. A full disk
/// (SQLITE_FULL) makes the workers pause between items instead of retrying
/// at once (`pauseMs`), until a write succeeds again.
///
/// Thread: any.
final class StoreFaults: @unchecked Sendable {
    private let lock = NSLock()
    private var failing: (message: String, code: Int32, since: Int64)?
    private var consecutive = 0
    private var observer: (@Sendable (_ operation: String, _ error: SQLError) -> Void)?
    static let backoff = Backoff(baseMs: 100, capMs: 10_000)

    /// Called for each failure, outside the lock.
    func observe(_ body: @escaping @Sendable (_ operation: String, _ error: SQLError) -> Void) {
        lock.withLock { observer = body }
    }

    func failed(_ operation: String, _ error: SQLError) {
        let observer = lock.withLock { () -> (@Sendable (String, SQLError) -> Void)? in
            if failing == nil { failing = (error.description, error.code, Timestamp.now()) } else { failing?.message = error.description }
            consecutive += 1
            return self.observer
        }
        observer?(operation, error)
    }

    func wrote() {
        let recovered = lock.withLock { () -> Bool in
            defer { failing = nil; consecutive = 0 }
            return failing != nil
        }
        if recovered { lock.withLock { observer }?("recovered", SQLError(code: 0, message: "a write succeeded again", context: "")) }
    }

    /// Why the store is failing now; nil while it works.
    var problem: String? {
        lock.withLock { failing.map { "the store is failing since \(Timestamp.iso($0.since)): \($0.message)" } }
    }

    /// True while the last failure was SQLITE_FULL (the disk or its quota is full).
    var isFull: Bool { lock.withLock { failing.map { $0.code & 0xff == 13 } ?? false } }

    /// How long a worker waits before its next item while the store fails; 0 while it works.
    var pauseMs: Int64 {
        let attempt = lock.withLock { failing == nil ? nil : consecutive }
        guard let attempt else { return 0 }
        return Self.backoff.delayMs(attempt: attempt)
    }
}
