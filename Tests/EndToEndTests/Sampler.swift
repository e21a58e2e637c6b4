import Foundation

/// Reads some state over and over on its own thread while a test makes
/// changes, keeping every observation: how a test sees the order in which
/// changes became visible on the other tracker, not just the final state.
///
/// A failing read is skipped (a tracker or node may be restarting); the
/// observations are what was seen, in the order it was seen.
final class Sampler<Observation: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var observations: [Observation] = []
    private let finished = DispatchSemaphore(value: 0)

    init(every interval: Double = 0.02, _ read: @escaping @Sendable () throws -> Observation) {
        let thread = Thread { [self] in
            // One read always starts after `stop()`, so the last observation
            // is no older than the moment the test stopped sampling.
            while true {
                let keepGoing = lock.withLock { running }
                if let observation = try? read() { lock.withLock { observations.append(observation) } }
                if !keepGoing { break }
                Thread.sleep(forTimeInterval: interval)
            }
            finished.signal()
        }
        thread.name = "e2e.sampler"
        thread.start()
    }

    /// Stops sampling and returns everything observed.
    func stop() -> [Observation] {
        lock.withLock { running = false }
        finished.wait()
        return lock.withLock { observations }
    }
}

/// The places where `values` goes backwards, as "a → b" (empty when it never does).
func regressions(_ values: [Int]) -> [String] {
    zip(values, values.dropFirst()).filter { $0.0 > $0.1 }.map { "\($0.0) → \($0.1)" }
}
