import Foundation

// The node's clocks and its one time format (UTC ISO-8601 with milliseconds).

/// Milliseconds since the Unix epoch.
func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

/// Seconds on the monotonic clock, for intervals.
func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// UTC ISO-8601 with milliseconds, e.g. 2026-11-22T08:00:00.000Z.
func isoTimestamp(_ date: Date) -> String {
    let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    var seconds = time_t(milliseconds / 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                  Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds % 1000))
}

/// Milliseconds since the epoch of an ISO-8601 UTC time such as
/// 2026-11-22T08:00:00.000Z (fraction optional); nil when not of that form.
func parseISOMillis(_ text: String) -> Int64? {
    let parts = text.split(whereSeparator: { "-T:Z.+".contains($0) }).map(String.init)
    guard parts.count >= 6, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
          let hour = Int(parts[3]), let minute = Int(parts[4]), let second = Int(parts[5]) else { return nil }
    var fields = tm()
    fields.tm_year = Int32(year - 1900)
    fields.tm_mon = Int32(month - 1)
    fields.tm_mday = Int32(day)
    fields.tm_hour = Int32(hour)
    fields.tm_min = Int32(minute)
    fields.tm_sec = Int32(second)
    let seconds = Int64(timegm(&fields))
    let fraction = parts.count > 6 ? Int64(String(parts[6].prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)) ?? 0 : 0
    return seconds * 1000 + fraction
}
