// libFuzzer entry for TandemHTTP's byte parsers, the ones a malformed request
// reaches first: the request head parser (with target splitting and URL
// decoding), the chunked body decoder (fed through a real socket pair, the
// way the server reads it) and the multipart parser. A crash here would be a
// crash of the server on a malformed request. Built by Fuzz/run.sh.
#if canImport(Glibc)
import Glibc
#endif
@testable import TandemHTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParsers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    if case .success(let head) = RequestHeadParser.parse(bytes) {
        _ = URLCoding.split(target: head.target)
        _ = head.keepAlive
    }
    decodeChunked(Array(bytes))
    do { _ = try Multipart.parse(body: Array(bytes), contentType: "multipart/form-data; boundary=b") } catch {
        _ = "\(error)"
    }
    return 0
}

/// Writes `bytes` into one end of a socket pair, closes it, and decodes a
/// chunked body from the other end with the server's limits. Inputs are at
/// most a few KiB, below the socket buffer, so the write never blocks.
private func decodeChunked(_ bytes: [UInt8]) {
    var fds: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { fatalError("socketpair: \(errno)") }
    defer { close(fds[0]) }
    let written = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
    guard written == bytes.count else { fatalError("short write to socket pair: \(written) of \(bytes.count)") }
    close(fds[1])
    let reader = SocketReader(fd: fds[0], capacity: 2048)
    var body: [UInt8] = []
    _ = ChunkedDecoder.decode(from: reader, maxBytes: 8192, maxTrailerBytes: 1024,
                              until: .after(seconds: 5), into: &body)
}
