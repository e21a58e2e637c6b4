#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time in nanoseconds.
@inline(__always)
func monotonicNow() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
}

/// A point in monotonic time after which a blocking step gives up.
struct Deadline {
    let nanos: UInt64

    static func after(seconds: Double) -> Deadline {
        Deadline(nanos: monotonicNow() &+ UInt64(max(0, seconds) * 1e9))
    }

    /// Milliseconds left, rounded up so a poll never wakes early; 0 when passed.
    var remainingMillis: Int32 {
        let now = monotonicNow()
        guard nanos > now else { return 0 }
        return Int32(min(UInt64(Int32.max), (nanos - now + 999_999) / 1_000_000))
    }
}
