// libFuzzer entry for TandemHTTP's byte parsers: the request head parser,
// the multipart parser and URL decoding. Built by run.sh with swiftc (see
// /work/shared/reference/toolchain-notes.md); a crash here would be a crash
// of the server on a malformed request.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParsers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    if case .success(let head) = RequestHeadParser.parse(bytes) {
        _ = URLCoding.split(target: head.target)
        _ = head.keepAlive
    }
    _ = try? Multipart.parse(body: Array(bytes), contentType: "multipart/form-data; boundary=b")
    _ = ChunkedDecoder.chunkSize(Array(bytes.prefix(64)))
    return 0
}
