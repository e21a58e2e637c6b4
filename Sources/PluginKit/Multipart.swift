/// Builds a `multipart/form-data` body with one file part.
public struct MultipartBody: Sendable {
    public let contentType: String
    public let bytes: [UInt8]

    /// - Parameters:
    ///   - name: the form field name (Jira wants `file`).
    ///   - filename: sent in `Content-Disposition`; quotes and line breaks are replaced.
    ///   - boundary: must not occur in `content`; the default is long and random enough
    ///     for tracker uploads, and the builder checks it anyway.
    public init(name: String, filename: String, mimeType: String, content: [UInt8], boundary: String? = nil) {
        var chosen = boundary ?? "tandem-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        while content.containsSequence(Array(chosen.utf8)) { chosen += String(Int.random(in: 0...9)) }
        let safeName = String(filename.map { $0 == "\"" || $0 == "\r" || $0 == "\n" ? "_" : $0 })
        var body: [UInt8] = []
        body.reserveCapacity(content.count + 256)
        body += Array("--\(chosen)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(safeName)\"\r\n".utf8)
        body += Array("Content-Type: \(mimeType)\r\n\r\n".utf8)
        body += content
        body += Array("\r\n--\(chosen)--\r\n".utf8)
        contentType = "multipart/form-data; boundary=\(chosen)"
        bytes = body
    }
}

extension Array where Element == UInt8 {
    func containsSequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        var index = 0
        while index + needle.count <= count {
            if self[index] == needle[0] && self[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
