/// Reads `key=value` / `key="quoted value"` parameters from header values
/// such as Content-Type and Content-Disposition.
enum HeaderParameters {
    static func value(of key: String, in header: String) -> String? {
        var index = header.startIndex
        // Skip the leading value ("form-data", "multipart/form-data").
        guard let firstSemicolon = header.firstIndex(of: ";") else { return nil }
        index = header.index(after: firstSemicolon)
        while index < header.endIndex {
            while index < header.endIndex && (header[index] == " " || header[index] == "\t" || header[index] == ";") {
                index = header.index(after: index)
            }
            let nameStart = index
            while index < header.endIndex && header[index] != "=" && header[index] != ";" { index = header.index(after: index) }
            let name = header[nameStart..<index].trimmingSpaces()
            var value = ""
            if index < header.endIndex && header[index] == "=" {
                index = header.index(after: index)
                if index < header.endIndex && header[index] == "\"" {
                    index = header.index(after: index)
                    while index < header.endIndex && header[index] != "\"" {
                        if header[index] == "\\", header.index(after: index) < header.endIndex { index = header.index(after: index) }
                        value.append(header[index])
                        index = header.index(after: index)
                    }
                    if index < header.endIndex { index = header.index(after: index) }
                } else {
                    let valueStart = index
                    while index < header.endIndex && header[index] != ";" { index = header.index(after: index) }
                    value = header[valueStart..<index].trimmingSpaces()
                }
            }
            if asciiCaseInsensitiveEqual(name, key) { return value }
        }
        return nil
    }
}
