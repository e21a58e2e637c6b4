import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time for benchmarks, in nanoseconds.
func monotonicNanos() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// Runs `body` `iterations` times after a warm-up of a tenth as many and
/// returns the mean nanoseconds per iteration.
func nanosPerIteration(_ iterations: Int, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<max(1, iterations / 10) { try body() }
    let start = monotonicNanos()
    for _ in 0..<iterations { try body() }
    return Double(monotonicNanos() - start) / Double(iterations)
}

/// Formats a figure with a fixed number of decimals, for aligned report lines.
func fixed(_ value: Double, _ decimals: Int = 2) -> String {
    String(format: "%.\(decimals)f", value)
}
