/// Percent-decoding of request targets and `application/x-www-form-urlencoded` queries.
///
/// Malformed escapes ("%4", "%zz") stay as they were rather than failing the
/// request: lenient like the servers the simulators stand in for. Invalid
/// UTF-8 after decoding becomes U+FFFD.
enum URLCoding {
    /// Splits a request-target into its decoded path and decoded query items.
    static func split(target: String) -> (path: String, query: [(name: String, value: String)]) {
        var utf8 = target.utf8[...]
        if let hash = utf8.firstIndex(of: UInt8(ascii: "#")) { utf8 = utf8[..<hash] }
        guard let question = utf8.firstIndex(of: UInt8(ascii: "?")) else {
            return (decode(utf8, plusIsSpace: false), [])
        }
        let path = decode(utf8[..<question], plusIsSpace: false)
        return (path, queryItems(utf8[utf8.index(after: question)...]))
    }

    /// Decodes `a=1&b=x+y` into ordered (name, value) pairs; empty pieces are skipped.
    static func queryItems(_ query: Substring.UTF8View) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        for piece in query.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                items.append((decode(piece[..<equals], plusIsSpace: true),
                              decode(piece[piece.index(after: equals)...], plusIsSpace: true)))
            } else {
                items.append((decode(piece, plusIsSpace: true), ""))
            }
        }
        return items
    }

    static func queryItems(_ query: String) -> [(name: String, value: String)] {
        queryItems(query[...].utf8)
    }

    /// Percent-decodes bytes; with `plusIsSpace`, '+' becomes ' ' (form encoding).
    static func decode<Bytes: Collection>(_ bytes: Bytes, plusIsSpace: Bool) -> String where Bytes.Element == UInt8 {
        if !bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                if first != bytes.endIndex {
                    let second = bytes.index(after: first)
                    if second != bytes.endIndex, let high = hexValue(bytes[first]), let low = hexValue(bytes[second]) {
                        out.append(high << 4 | low)
                        index = bytes.index(after: second)
                        continue
                    }
                }
                out.append(byte)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes everything except RFC 3986 unreserved characters.
    static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%")); out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

@inline(__always)
func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}
