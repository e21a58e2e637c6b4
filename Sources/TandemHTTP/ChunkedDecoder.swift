/// Decodes a `Transfer-Encoding: chunked` body from a `SocketReader`
/// (request bodies on the server, response bodies on the client).
///
/// Chunk extensions are ignored; trailer fields are read and discarded.
enum ChunkedDecoder {
    enum Failure: Error, Equatable {
        case malformed(String)
        case tooLarge
        /// `reserve` refused a chunk's bytes.
        case overBudget
        case read(ReadOutcome)
    }

    /// Appends the decoded body to `body`. Returns nil when the last chunk and
    /// the trailer were read, else the failure. `reserve` is asked for each
    /// chunk's size before the chunk is read (the server's memory budget).
    static func decode(from reader: SocketReader, maxBytes: Int, maxTrailerBytes: Int,
                       until deadline: Deadline, into body: inout [UInt8],
                       reserve: (Int) -> Bool = { _ in true }) -> Failure? {
        while true {
            let line: [UInt8]
            switch reader.readLine(maxLength: 1024, until: deadline) {
            case .success(let value): line = value
            case .failure(.tooLong): return .malformed("chunk size line longer than 1024 bytes")
            case .failure(.read(let outcome)): return .read(outcome)
            }
            guard let size = chunkSize(line) else {
                return .malformed("invalid chunk size line '\(String(decoding: line.prefix(40), as: UTF8.self))'")
            }
            if size == 0 { break }
            if size > maxBytes - body.count { return .tooLarge }
            if !reserve(size) { return .overBudget }
            if let failure = reader.read(count: size, appendingTo: &body, until: deadline) { return .read(failure) }
            switch reader.readLine(maxLength: 0, until: deadline) {
            case .success: break
            case .failure(.tooLong): return .malformed("chunk data longer than its declared size")
            case .failure(.read(let outcome)): return .read(outcome)
            }
        }
        var trailerBytes = 0
        while true {
            switch reader.readLine(maxLength: maxTrailerBytes, until: deadline) {
            case .success(let line):
                if line.isEmpty { return nil }
                trailerBytes += line.count + 2
                if trailerBytes > maxTrailerBytes { return .malformed("chunked trailer larger than \(maxTrailerBytes) bytes") }
            case .failure(.tooLong): return .malformed("chunked trailer larger than \(maxTrailerBytes) bytes")
            case .failure(.read(let outcome)): return .read(outcome)
            }
        }
    }

    /// Parses "1a3f" or "1a3f;ext=1" (optional spaces before ';'); nil when invalid.
    static func chunkSize(_ line: [UInt8]) -> Int? {
        var size = 0
        var digits = 0
        var index = 0
        while index < line.count, let value = hexValue(line[index]) {
            if digits == 15 { return nil }   // keeps size below 2^60
            size = size << 4 | Int(value)
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        while index < line.count && (line[index] == 0x20 || line[index] == 0x09) { index += 1 }
        guard index == line.count || line[index] == UInt8(ascii: ";") else { return nil }
        return size
    }
}
