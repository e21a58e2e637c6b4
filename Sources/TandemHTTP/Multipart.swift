/// multipart/form-data (RFC 7578) parsing and building.
public enum Multipart {
    /// Splits `body` into its parts. `contentType` is the request's header,
    /// e.g. `multipart/form-data; boundary=----x`.
    public static func parse(body: [UInt8], contentType: String) throws -> [MultipartPart] {
        guard contentType.lowercased().hasPrefix("multipart/") else {
            throw MultipartError("Content-Type '\(contentType)' is not multipart")
        }
        guard let boundary = HeaderParameters.value(of: "boundary", in: contentType), !boundary.isEmpty, boundary.utf8.count <= 200 else {
            throw MultipartError("Content-Type '\(contentType)' has no usable boundary parameter")
        }
        let dashBoundary = Array("--\(boundary)".utf8)
        let delimiter = [0x0D, 0x0A] + dashBoundary
        // The first boundary may open the body directly or follow a preamble.
        var position: Int
        if body.starts(with: dashBoundary) {
            position = dashBoundary.count
        } else if let found = find(delimiter, in: body, from: 0) {
            position = found + delimiter.count
        } else {
            throw MultipartError("the body does not contain the boundary '\(boundary)'")
        }
        var parts: [MultipartPart] = []
        while true {
            // After a boundary: "--" ends the body; otherwise optional spaces, then CRLF.
            if position + 1 < body.count && body[position] == 0x2D && body[position + 1] == 0x2D { return parts }
            while position < body.count && (body[position] == 0x20 || body[position] == 0x09) { position += 1 }
            guard position + 1 < body.count, body[position] == 0x0D, body[position + 1] == 0x0A else {
                throw MultipartError("the body ends without the closing boundary '--\(boundary)--'")
            }
            position += 2
            guard let headEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: position - 2) else {
                throw MultipartError("part \(parts.count + 1) has no blank line after its headers")
            }
            let headers = try parseHeaders(body[position..<max(position, headEnd)], part: parts.count + 1)
            let contentStart = headEnd + 4
            guard let contentEnd = find(delimiter, in: body, from: contentStart) else {
                throw MultipartError("part \(parts.count + 1) is not followed by a boundary")
            }
            let disposition = headers["Content-Disposition"] ?? ""
            guard let name = HeaderParameters.value(of: "name", in: disposition) else {
                throw MultipartError("part \(parts.count + 1) has no Content-Disposition name")
            }
            parts.append(MultipartPart(name: name, filename: HeaderParameters.value(of: "filename", in: disposition),
                                       contentType: headers["Content-Type"], headers: headers,
                                       body: Array(body[contentStart..<contentEnd])))
            position = contentEnd + delimiter.count
        }
    }

    /// Builds a multipart/form-data body; returns it with its Content-Type.
    public static func build(_ parts: [MultipartPart], boundary: String = "tandem-boundary-7MA4YWxkTrZu0gW") -> (body: [UInt8], contentType: String) {
        var out: [UInt8] = []
        for part in parts {
            out.append(contentsOf: "--\(boundary)\r\n".utf8)
            var disposition = "form-data; name=\"\(escape(part.name))\""
            if let filename = part.filename { disposition += "; filename=\"\(escape(filename))\"" }
            out.append(contentsOf: "Content-Disposition: \(disposition)\r\n".utf8)
            if let type = part.contentType { out.append(contentsOf: "Content-Type: \(type)\r\n".utf8) }
            for field in part.headers where !asciiCaseInsensitiveEqual(field.name, "content-disposition")
                && !asciiCaseInsensitiveEqual(field.name, "content-type") {
                out.append(contentsOf: "\(field.name): \(field.value)\r\n".utf8)
            }
            out.append(contentsOf: "\r\n".utf8)
            out.append(contentsOf: part.body)
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "--\(boundary)--\r\n".utf8)
        return (out, "multipart/form-data; boundary=\(boundary)")
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\"": out += "%22"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.append(character)
            }
        }
        return out
    }

    private static func parseHeaders(_ bytes: ArraySlice<UInt8>, part: Int) throws -> HTTPHeaders {
        var headers = HTTPHeaders()
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            var line = line
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty { continue }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw MultipartError("part \(part) has a header line without a colon")
            }
            headers.add(String(decoding: line[..<colon], as: UTF8.self).trimmingSpaces(),
                        String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces())
        }
        return headers
    }

    /// First index of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let first = needle[0]
        var index = max(0, from)
        let last = haystack.count - needle.count
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                while index <= last {
                    if hay[index] == first {
                        var matched = 1
                        while matched < pin.count && hay[index + matched] == pin[matched] { matched += 1 }
                        if matched == pin.count { return index }
                    }
                    index += 1
                }
                return nil
            }
        }
    }
}
