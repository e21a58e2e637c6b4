#if canImport(Glibc)
import Glibc
#endif

/// Instants as milliseconds since the Unix epoch (UTC), and the text forms the
/// trackers and the entity JSON use: the one place the node, the connectors
/// and the simulators read and write times.
///
/// Thread-safe: built on `clock_gettime`, `timegm` and `gmtime_r`; no shared
/// formatter, no global state, no Foundation (connectors link it statically).
public enum Timestamp {
    /// Now on the wall clock, in milliseconds since the epoch.
    public static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Seconds on the monotonic clock, for intervals; unrelated to the epoch.
    public static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// The entity JSON's form: `2026-11-22T08:00:00.000Z`.
    public static func iso(_ millis: Int64) -> String {
        let parts = components(millis)
        let fraction = Int32(((millis % 1000) + 1000) % 1000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(fraction, 3))Z"
    }

    /// Jira's datetime: `2024-01-15T09:19:44.990+0000` (always UTC here).
    public static func jira(_ millis: Int64) -> String {
        let parts = components(millis)
        let fraction = Int32(((millis % 1000) + 1000) % 1000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(fraction, 3))+0000"
    }

    /// `yyyy-MM-dd HH:mm:ss` in UTC (ServiceNow's datetime and query literal).
    public static func spaced(_ millis: Int64) -> String {
        let parts = components(millis)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
    }

    /// `yyyy/MM/dd HH:mm` of the instant shifted by `offsetSeconds` (a JQL literal
    /// in a zone that far from UTC), floored to the minute.
    public static func jqlMinute(_ millis: Int64, offsetSeconds: Int = 0) -> String {
        let parts = components(millis + Int64(offsetSeconds) * 1000)
        return "\(pad(parts.tm_year + 1900, 4))/\(pad(parts.tm_mon + 1, 2))/\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2))"
    }

    /// Parses the ISO-8601 forms trackers write: `2024-01-15T09:19:44.990+0000`,
    /// `…+01:00`, `…Z`, with or without a fraction, and ServiceNow's
    /// `2024-01-15 09:19:44` (UTC). Nil for anything else.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int32? {
            var value: Int32 = 0
            for index in from..<(from + count) {
                let byte = bytes[index]
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int32(byte - 48)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 3 { fraction = fraction * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 3)..<3 { fraction *= 10 }  // digits past the third were dropped above
        }
        var offsetSeconds: Int64 = 0
        if index < bytes.count {
            let sign = bytes[index]
            if sign == UInt8(ascii: "Z") {
                index += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                let rest = bytes.count - index - 1
                let colon = rest == 5 && bytes[index + 3] == UInt8(ascii: ":")
                guard rest == 4 || colon, let hours = number(index + 1, 2),
                      let minutes = number(index + (colon ? 4 : 3), 2) else { return nil }
                offsetSeconds = Int64(hours) * 3600 + Int64(minutes) * 60
                if sign == UInt8(ascii: "-") { offsetSeconds = -offsetSeconds }
                index = bytes.count
            } else {
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        return (utcSeconds(year, month, day, hour, minute, second) - offsetSeconds) * 1000 + fraction
    }

    /// Reads a query literal as UTC: `yyyy/MM/dd HH:mm`, `yyyy-MM-dd HH:mm`,
    /// either with `:ss`, or a bare date (what JQL and encoded queries accept);
    /// nil when the text is none of those.
    public static func parseLiteral(_ text: String) -> Int64? {
        let normalized = String(text.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
            .map { $0 == "/" ? "-" : $0 }
        let halves = normalized.split(separator: " ", omittingEmptySubsequences: true)
        guard halves.count == 1 || halves.count == 2 else { return nil }
        let date = halves[0].split(separator: "-", omittingEmptySubsequences: false).map { Int32(String($0)) }
        guard date.count == 3, let year = date[0], let month = date[1], let day = date[2],
              (1...12).contains(month), (1...31).contains(day), halves[0].count >= 8 else { return nil }
        var hour: Int32 = 0, minute: Int32 = 0, second: Int32 = 0
        if halves.count == 2 {
            let time = halves[1].split(separator: ":", omittingEmptySubsequences: false).map { Int32(String($0)) }
            guard time.count == 2 || time.count == 3, let h = time[0], let m = time[1],
                  (0...23).contains(h), (0...59).contains(m) else { return nil }
            hour = h; minute = m
            if time.count == 3 { guard let s = time[2], (0...59).contains(s) else { return nil }; second = s }
        }
        return utcSeconds(year, month, day, hour, minute, second) * 1000
    }

    /// Seconds since the epoch of a UTC calendar time (fields already checked).
    private static func utcSeconds(_ year: Int32, _ month: Int32, _ day: Int32,
                                   _ hour: Int32, _ minute: Int32, _ second: Int32) -> Int64 {
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Int64(timegm(&parts))
    }

    private static func isSpace(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\n" || character == "\r"
    }

    private static func components(_ millis: Int64) -> tm {
        var seconds = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return parts
    }

    private static func pad(_ value: Int32, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
