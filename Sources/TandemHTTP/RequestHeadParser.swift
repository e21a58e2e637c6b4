/// Parses a request line and header block by scanning bytes (RFC 9112).
///
/// Input is the whole head including its terminating blank line. Strict where
/// laxness enables request smuggling (both `Content-Length` and
/// `Transfer-Encoding`, differing lengths, line folding, control bytes);
/// lenient where it is harmless (bare LF line ends, empty lines before the
/// request line, non-ASCII bytes in values).
enum RequestHeadParser {
    static func parse(_ head: UnsafeBufferPointer<UInt8>) -> Result<RequestHead, HeadRejection> {
        var index = 0
        while index < head.count && (head[index] == 0x0D || head[index] == 0x0A) { index += 1 }
        guard let (lineStart, lineEnd, next) = nextLine(head, from: index) else {
            return .failure(HeadRejection(status: 400, reason: "the request line is incomplete"))
        }
        let requestLine = UnsafeBufferPointer(rebasing: head[lineStart..<lineEnd])
        var result: RequestHead
        switch parseRequestLine(requestLine) {
        case .success(let parsed): result = parsed
        case .failure(let rejection): return .failure(rejection)
        }
        index = next
        var hostCount = 0
        var sawTransferEncoding = false
        while true {
            guard let (start, end, after) = nextLine(head, from: index) else {
                return .failure(HeadRejection(status: 400, reason: "the header block is not terminated by an empty line"))
            }
            index = after
            if start == end { break }
            if head[start] == 0x20 || head[start] == 0x09 {
                return .failure(HeadRejection(status: 400, reason: "obsolete header line folding is not accepted"))
            }
            var colon = start
            while colon < end && isTokenByte(head[colon]) { colon += 1 }
            guard colon < end, head[colon] == UInt8(ascii: ":"), colon > start else {
                let shown = String(decoding: UnsafeBufferPointer(rebasing: head[start..<min(end, start + 40)]), as: UTF8.self)
                return .failure(HeadRejection(status: 400, reason: "malformed header line '\(shown)' (expected 'Name: value')"))
            }
            var valueStart = colon + 1
            var valueEnd = end
            while valueStart < valueEnd && (head[valueStart] == 0x20 || head[valueStart] == 0x09) { valueStart += 1 }
            while valueEnd > valueStart && (head[valueEnd - 1] == 0x20 || head[valueEnd - 1] == 0x09) { valueEnd -= 1 }
            for position in valueStart..<valueEnd {
                let byte = head[position]
                if (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                    return .failure(HeadRejection(status: 400, reason: "control character in the value of a header"))
                }
            }
            let nameBytes = UnsafeBufferPointer(rebasing: head[start..<colon])
            let valueBytes = UnsafeBufferPointer(rebasing: head[valueStart..<valueEnd])
            let name = String(decoding: nameBytes, as: UTF8.self)
            let value = String(decoding: valueBytes, as: UTF8.self)
            result.headers.fields.append((name: name, value: value))

            switch nameBytes.count {
            case 4 where equalsLowercase(nameBytes, "host"):
                hostCount += 1
            case 6 where equalsLowercase(nameBytes, "expect"):
                guard asciiCaseInsensitiveEqual(value, "100-continue") else {
                    return .failure(HeadRejection(status: 417, reason: "unsupported expectation '\(value)'; only 100-continue is understood"))
                }
                result.expectsContinue = true
            case 10 where equalsLowercase(nameBytes, "connection"):
                for token in value.split(separator: ",") {
                    let trimmed = token.trimmingSpaces()
                    if asciiCaseInsensitiveEqual(trimmed, "close") { result.wantsClose = true }
                    if asciiCaseInsensitiveEqual(trimmed, "keep-alive") { result.wantsKeepAlive = true }
                }
            case 14 where equalsLowercase(nameBytes, "content-length"):
                guard let length = parseLength(valueBytes) else {
                    return .failure(HeadRejection(status: 400, reason: "invalid Content-Length '\(value)'"))
                }
                if let earlier = result.contentLength, earlier != length {
                    return .failure(HeadRejection(status: 400, reason: "conflicting Content-Length headers"))
                }
                result.contentLength = length
            case 17 where equalsLowercase(nameBytes, "transfer-encoding"):
                sawTransferEncoding = true
                let codings = value.split(separator: ",").map { $0.trimmingSpaces() }
                for (position, coding) in codings.enumerated() {
                    guard asciiCaseInsensitiveEqual(coding, "chunked") else {
                        return .failure(HeadRejection(status: 501, reason: "transfer coding '\(coding)' is not supported; use chunked or Content-Length"))
                    }
                    if result.chunked || position != codings.count - 1 {
                        return .failure(HeadRejection(status: 400, reason: "chunked applied more than once"))
                    }
                    result.chunked = true
                }
            default:
                break
            }
        }
        if sawTransferEncoding && result.contentLength != nil {
            return .failure(HeadRejection(status: 400, reason: "both Content-Length and Transfer-Encoding are present"))
        }
        if sawTransferEncoding && result.minorVersion == 0 {
            return .failure(HeadRejection(status: 400, reason: "Transfer-Encoding is not allowed in HTTP/1.0"))
        }
        if result.minorVersion >= 1 && hostCount != 1 {
            return .failure(HeadRejection(status: 400, reason: hostCount == 0 ? "missing Host header (required in HTTP/1.1)" : "more than one Host header"))
        }
        return .success(result)
    }

    /// `METHOD SP request-target SP HTTP/1.x`.
    private static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) -> Result<RequestHead, HeadRejection> {
        var index = 0
        while index < line.count && isTokenByte(line[index]) { index += 1 }
        guard index > 0, index < line.count, line[index] == 0x20 else {
            return .failure(HeadRejection(status: 400, reason: "malformed request line (expected 'METHOD /path HTTP/1.1')"))
        }
        let method = String(decoding: UnsafeBufferPointer(rebasing: line[0..<index]), as: UTF8.self)
        let targetStart = index + 1
        index = targetStart
        while index < line.count && line[index] > 0x20 && line[index] != 0x7F { index += 1 }
        guard index > targetStart, index < line.count, line[index] == 0x20 else {
            return .failure(HeadRejection(status: 400, reason: "malformed request target (expected 'METHOD /path HTTP/1.1')"))
        }
        let targetBytes = UnsafeBufferPointer(rebasing: line[targetStart..<index])
        let version = UnsafeBufferPointer(rebasing: line[(index + 1)...])
        let minor: Int
        if version.count == 8 && version.starts(with: "HTTP/1.".utf8) && (version[7] == 0x30 || version[7] == 0x31) {
            minor = Int(version[7] - 0x30)
        } else if version.count == 8 && version.starts(with: "HTTP/".utf8) && isDigit(version[5]) && version[6] == 0x2E && isDigit(version[7]) {
            return .failure(HeadRejection(status: 505, reason: "HTTP version \(String(decoding: version, as: UTF8.self)) is not supported; use HTTP/1.1"))
        } else {
            return .failure(HeadRejection(status: 400, reason: "malformed HTTP version in the request line"))
        }
        var target = String(decoding: targetBytes, as: UTF8.self)
        if targetBytes[0] != UInt8(ascii: "/") {
            if let originForm = originForm(ofAbsolute: target) {
                target = originForm
            } else if !(target == "*" && method == "OPTIONS") {
                return .failure(HeadRejection(status: 400, reason: "request target must start with '/'"))
            }
        }
        return .success(RequestHead(method: method, target: target, minorVersion: minor, headers: HTTPHeaders()))
    }

    /// "http://host:8080/a?b" → "/a?b" (absolute-form, RFC 9112 §3.2.2).
    private static func originForm(ofAbsolute target: String) -> String? {
        let lower = target.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return nil }
        let afterScheme = target[target.index(target.firstIndex(of: ":")!, offsetBy: 3)...]
        guard let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let rest = afterScheme[slash...]
        return rest.hasPrefix("/") ? String(rest) : "/" + rest
    }

    /// Finds the next line from `start`: its content range (CR dropped) and the
    /// index after its LF.
    @inline(__always)
    private static func nextLine(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int, Int, Int)? {
        var index = start
        while index < bytes.count {
            if bytes[index] == 0x0A {
                let end = index > start && bytes[index - 1] == 0x0D ? index - 1 : index
                return (start, end, index + 1)
            }
            index += 1
        }
        return nil
    }

    private static func parseLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    @inline(__always)
    private static func equalsLowercase(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: StaticString) -> Bool {
        guard bytes.count == lower.utf8CodeUnitCount else { return false }
        let other = lower.utf8Start
        for index in 0..<bytes.count where asciiLower(bytes[index]) != other[index] { return false }
        return true
    }
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

/// RFC 9110 `tchar`.
@inline(__always)
func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
         UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
         UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
