#if canImport(Glibc)
import Glibc
#endif

/// Time as the simulators keep it (epoch milliseconds, UTC) and as each API writes it.
///
/// Formatting goes through `gmtime_r`/`timegm` so it is thread-safe and needs no
/// Foundation formatter.
enum SimTime {
    /// Now, in milliseconds since the epoch.
    static func nowMillis() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
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

    /// Jira's datetime: `2024-01-15T09:19:44.990+0000` (always UTC here).
    static func jira(_ millis: Int64) -> String {
        let t = components(millis)
        let fraction = Int32(((millis % 1000) + 1000) % 1000)
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T"
            + "\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)).\(pad(fraction, 3))+0000"
    }

    /// ServiceNow's datetime: `2024-01-15 09:19:44` (UTC, second resolution).
    static func serviceNow(_ millis: Int64) -> String {
        let t = components(millis)
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2)) "
            + "\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2))"
    }

    /// Reads `yyyy/MM/dd HH:mm`, `yyyy-MM-dd HH:mm`, either with `:ss`, or a bare date,
    /// as UTC; nil when the text is none of those.
    static func parseLiteral(_ text: String) -> Int64? {
        let normalized = text.trimmingSpaces().replacingSlashes()
        let halves = normalized.split(separator: " ", omittingEmptySubsequences: true)
        guard halves.count == 1 || halves.count == 2 else { return nil }
        let date = halves[0].split(separator: "-", omittingEmptySubsequences: false).map { Int32($0) }
        guard date.count == 3, let year = date[0], let month = date[1], let day = date[2],
              (1...12).contains(month), (1...31).contains(day), halves[0].count >= 8 else { return nil }
        var hour: Int32 = 0, minute: Int32 = 0, second: Int32 = 0
        if halves.count == 2 {
            let time = halves[1].split(separator: ":", omittingEmptySubsequences: false).map { Int32($0) }
            guard time.count == 2 || time.count == 3, let h = time[0], let m = time[1],
                  (0...23).contains(h), (0...59).contains(m) else { return nil }
            hour = h; minute = m
            if time.count == 3 { guard let s = time[2], (0...59).contains(s) else { return nil }; second = s }
        }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Int64(timegm(&parts)) * 1000
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" || first == "\n" || first == "\r" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\n" || last == "\r" { slice.removeLast() }
        return String(slice)
    }

    fileprivate func replacingSlashes() -> String { String(map { $0 == "/" ? "-" : $0 }) }
}
