/// One message between the node and a plugin host (`tandem plugin-host`),
/// either way over their socketpair.
///
/// Wire layout: a 32-byte header, then the operation name, the JSON and the
/// blob, back to back (native endianness: both ends are the same executable
/// on the same machine).
///
///     u64 id        request id; a response carries its request's id; 0: no response wanted
///     u8  kind      1 request, 2 response
///     u8  reserved
///     u16 opLength  bytes of the operation name (requests)
///     i32 status    the ABI status (responses)
///     u32 jsonLength
///     u64 blobLength
///     u32 reserved
///
/// Requests from the node are `tandem.create-instance` (first, once) and
/// plugin operations (`get`, `create`, …); requests from the plugin host are
/// host services (`host.log`, `host.http`, `host.secret`, `host.now_ms`). Ids are chosen by the requesting side, so
/// responses may come back in any order.
struct PluginFrame: Sendable, Equatable {
    enum Kind: UInt8, Sendable { case request = 1, response = 2 }

    static let headerSize = 32
    /// The node's first request: create the instance from the config JSON. No plugin operation has this name.
    static let createInstance = "tandem.create-instance"
    /// Larger frames are refused: a plugin's answer, like an attachment, stays below it.
    static let maximumPayload = 1 << 34

    var id: UInt64
    var kind: Kind
    var operation: String = ""
    var status: Int32 = 0
    var json: [UInt8] = []
    var blob: [UInt8] = []

    /// Header and payload in one buffer, for one write.
    func encoded() -> [UInt8] {
        let op = Array(operation.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerSize + op.count + json.count + blob.count)
        append(id, to: &bytes)
        bytes.append(kind.rawValue)
        bytes.append(0)
        append(UInt16(op.count), to: &bytes)
        append(status, to: &bytes)
        append(UInt32(json.count), to: &bytes)
        append(UInt64(blob.count), to: &bytes)
        append(UInt32(0), to: &bytes)
        bytes += op
        bytes += json
        bytes += blob
        return bytes
    }

    /// The lengths a header announces, to read the payload that follows.
    struct Header: Sendable {
        var id: UInt64
        var kind: Kind
        var status: Int32
        var operationLength: Int
        var jsonLength: Int
        var blobLength: Int

        var payloadLength: Int { operationLength + jsonLength + blobLength }

        /// Nil when the bytes are not a header (an unknown kind, absurd lengths).
        init?(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count >= PluginFrame.headerSize, let kind = Kind(rawValue: bytes[8]) else { return nil }
            id = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            self.kind = kind
            operationLength = Int(bytes.loadUnaligned(fromByteOffset: 10, as: UInt16.self))
            status = bytes.loadUnaligned(fromByteOffset: 12, as: Int32.self)
            jsonLength = Int(bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
            let blob = bytes.loadUnaligned(fromByteOffset: 20, as: UInt64.self)
            guard blob <= UInt64(PluginFrame.maximumPayload) else { return nil }
            blobLength = Int(blob)
        }
    }

    init(id: UInt64, kind: Kind, operation: String = "", status: Int32 = 0, json: [UInt8] = [], blob: [UInt8] = []) {
        self.id = id
        self.kind = kind
        self.operation = operation
        self.status = status
        self.json = json
        self.blob = blob
    }

    /// The frame a header and its payload make.
    init(_ header: Header, payload: ArraySlice<UInt8>) {
        let start = payload.startIndex
        let jsonStart = start + header.operationLength
        let blobStart = jsonStart + header.jsonLength
        self.init(id: header.id, kind: header.kind, operation: String(decoding: payload[start..<jsonStart], as: UTF8.self),
                  status: header.status, json: Array(payload[jsonStart..<blobStart]),
                  blob: Array(payload[blobStart..<(blobStart + header.blobLength)]))
    }
}

private func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value) { bytes += $0 }
}
