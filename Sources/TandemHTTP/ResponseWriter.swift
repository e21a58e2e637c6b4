#if canImport(Glibc)
import Glibc
#endif

/// Serializes responses into a reusable per-connection buffer.
///
/// The server owns the framing headers: it writes `Content-Length` (none for
/// statuses that forbid a body), `Date`, and `Connection` from its own
/// keep-alive decision, and drops those names if a handler set them. CR and LF
/// inside handler-supplied names or values become spaces (no header injection).
struct ResponseWriter {
    private(set) var buffer: [UInt8] = []
    private var dateSecond = -1
    private var dateBytes: [UInt8] = []

    init() { buffer.reserveCapacity(4096) }

    /// Writes the head into `buffer`; for a small body it appends the body too
    /// and returns true (one `send`), else the caller sends the body itself.
    mutating func serialize(_ response: HTTPResponse, minorVersion: Int, keepAlive: Bool, includeBody: Bool) -> Bool {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: minorVersion == 0 ? "HTTP/1.0 ".utf8 : "HTTP/1.1 ".utf8)
        appendNumber(response.status)
        buffer.append(0x20)
        buffer.append(contentsOf: HTTPStatus.reasonPhrase(response.status).utf8)
        buffer.append(contentsOf: "\r\n".utf8)
        if !HTTPStatus.forbidsBody(response.status) {
            buffer.append(contentsOf: "Content-Length: ".utf8)
            appendNumber(response.body.count)
            buffer.append(contentsOf: "\r\n".utf8)
        }
        appendDate()
        if !keepAlive {
            buffer.append(contentsOf: "Connection: close\r\n".utf8)
        } else if minorVersion == 0 {
            buffer.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        for field in response.headers.fields where !ResponseWriter.isFramingHeader(field.name) {
            appendSanitized(field.name)
            buffer.append(contentsOf: ": ".utf8)
            appendSanitized(field.value)
            buffer.append(contentsOf: "\r\n".utf8)
        }
        buffer.append(contentsOf: "\r\n".utf8)
        guard includeBody && !HTTPStatus.forbidsBody(response.status) && !response.body.isEmpty else { return true }
        if response.body.count <= 16 * 1024 {
            buffer.append(contentsOf: response.body)
            return true
        }
        return false
    }

    static func isFramingHeader(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: return asciiCaseInsensitiveEqual(name, "date")
        case 10: return asciiCaseInsensitiveEqual(name, "connection")
        case 14: return asciiCaseInsensitiveEqual(name, "content-length")
        case 17: return asciiCaseInsensitiveEqual(name, "transfer-encoding")
        default: return false
        }
    }

    private mutating func appendSanitized(_ text: String) {
        for byte in text.utf8 { buffer.append(byte == 0x0D || byte == 0x0A ? 0x20 : byte) }
    }

    /// Appends a non-negative decimal number without building a String.
    private mutating func appendNumber(_ value: Int) {
        let value = max(0, value)
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            buffer.append(UInt8(0x30 + rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT`, re-rendered once a second.
    private mutating func appendDate() {
        var now = time(nil)
        if now != dateSecond {
            dateSecond = now
            var parts = tm()
            gmtime_r(&now, &parts)
            let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let text = "Date: \(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT\r\n"
            dateBytes = Array(text.utf8)
        }
        buffer.append(contentsOf: dateBytes)
    }
}
