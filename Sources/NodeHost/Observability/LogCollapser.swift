/// Collapses repeated identical log lines: the first of a kind is written,
/// the same line (level, message, connection, entity) again within
/// `windowMs` is only counted, and when the window has passed one line says
/// how many were left out:
///
///     {"level":"error","msg":"store write failed: … … repeated 5,000 times in the last 10 s", …}
///
/// So a failure that repeats in a tight loop costs one line per interval
/// instead of thousands per second, and nothing is silently lost. At most
/// `capacity` kinds are tracked; lines beyond that are written as they come.
///
/// Not thread-safe: `Logger` calls it under its lock.
struct LogCollapser {
    struct Line: Hashable {
        var level: Logger.Level
        var message: String
        var connection: String?
        var entity: String?
    }

    /// A line that stood for `count` left out, to write now.
    struct Summary: Equatable {
        var line: Line
        var count: Int
        var seconds: Int64

        var message: String { "\(line.message) … repeated \(grouped(count)) times in the last \(seconds) s" }
    }

    static let windowMs: Int64 = 10_000
    static let capacity = 1_024
    private var windows: [Line: (startMs: Int64, suppressed: Int)] = [:]
    private var lastSweepMs: Int64 = 0

    /// Whether to write `line` now, and the summaries of windows that have ended.
    mutating func admit(_ line: Line, now: Int64) -> (write: Bool, ended: [Summary]) {
        var ended: [Summary] = []
        if now - lastSweepMs >= 1_000 {
            lastSweepMs = now
            for (other, window) in windows where now - window.startMs >= Self.windowMs {
                if window.suppressed > 0 { ended.append(summary(other, window, now: now)) }
                windows[other] = nil
            }
        }
        if let window = windows[line] {
            if now - window.startMs < Self.windowMs {
                windows[line]?.suppressed += 1
                return (false, ended)
            }
            if window.suppressed > 0 { ended.append(summary(line, window, now: now)) }
        }
        if windows[line] != nil || windows.count < Self.capacity { windows[line] = (now, 0) }
        return (true, ended)
    }

    private func summary(_ line: Line, _ window: (startMs: Int64, suppressed: Int), now: Int64) -> Summary {
        Summary(line: line, count: window.suppressed, seconds: max(1, (now - window.startMs + 500) / 1000))
    }
}

/// 5000 → "5,000".
private func grouped(_ value: Int) -> String {
    let digits = Array(String(value))
    var text = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
        text.append(digit)
    }
    return text
}
