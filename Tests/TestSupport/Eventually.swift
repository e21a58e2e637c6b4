import Foundation

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
///
/// For asserting that asynchronous work (a sync between nodes) happened, not
/// how fast: the timeout is generous and only bounds a failing test.
public func eventually(timeout: Double = 10, every interval: Double = 0.05, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: interval)
    }
    return try condition()
}

