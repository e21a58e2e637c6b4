/// Percent-encoding for URLs a connector builds.
public enum URLEncoding {
    /// Encodes `text` for a query component or a path segment: RFC 3986
    /// unreserved characters stay, every other byte becomes `%XX`.
    public static func component(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 15)])
            }
        }
        return result
    }

    /// `path?name=value&…` with every name and value encoded, in the given order.
    public static func url(_ path: String, _ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { component($0.0) + "=" + component($0.1) }.joined(separator: "&")
    }
}

private let hexDigits: [Character] = Array("0123456789ABCDEF")
