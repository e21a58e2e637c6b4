import TandemRuntime
import PluginAPI

/// The node's services for one connector instance: logging, HTTP, secrets, clock.
///
/// Owner: the node. Valid until the instance is destroyed. Every method blocks
/// the calling thread, which is one of the node's workers.
public struct ConnectorHost: @unchecked Sendable {
    public enum LogLevel: Int32, Sendable { case debug = 0, info, warn, error }

    /// A tracker's answer to one request.
    public struct Response: Sendable {
        public var status: Int
        /// Lower-case header names.
        public var headers: [String: String]
        public var body: [UInt8]

        /// The body parsed as JSON.
        public func json() throws(ConnectorError) -> JSON {
            do { return try JSON(parsing: body) } catch {
                throw .transient("tracker answered HTTP \(status) with a body that is not JSON (\(error.message))")
            }
        }
    }

    let table: UnsafePointer<tandem_host_t>

    init(_ table: UnsafePointer<tandem_host_t>) { self.table = table }

    /// Writes one log line. Never pass secrets.
    public func log(_ level: LogLevel, _ message: String) {
        guard let log = table.pointee.log else { return }
        message.withCString { log(table, level.rawValue, $0) }
    }

    /// Performs an HTTP request through the node, which enforces the
    /// connection's base URL, timeouts and rate limit.
    ///
    /// - Parameter url: absolute, or a path relative to the configured `baseUrl`.
    /// - Returns: the response, whatever its HTTP status.
    /// - Throws: `.transient` when nothing came back, `.invalid` for a URL the
    ///   node does not allow.
    public func http(_ method: String, _ url: String, headers: [String: String] = [:],
                     body: [UInt8] = [], timeoutMs: UInt32 = 0) throws(ConnectorError) -> Response {
        guard let http = table.pointee.http else { throw .unsupported("the node offers no HTTP service") }
        var response = tandem_http_response_t()
        response.struct_size = UInt32(MemoryLayout<tandem_http_response_t>.size)
        var error = tandem_buffer_t()
        error.struct_size = UInt32(MemoryLayout<tandem_buffer_t>.size)
        let headerText = headers.isEmpty ? nil : JSON.object(headers.mapValues(JSON.string)).text
        let status: tandem_status_t = method.withCString { methodPointer in
            url.withCString { urlPointer in
                withOptionalCString(headerText) { headersPointer in
                    body.withUnsafeBufferPointer { bodyBuffer in
                        var request = tandem_http_request_t()
                        request.struct_size = UInt32(MemoryLayout<tandem_http_request_t>.size)
                        request.timeout_ms = timeoutMs
                        request.method = methodPointer
                        request.url = urlPointer
                        request.headers_json = headersPointer
                        request.body = bodyBuffer.baseAddress
                        request.body_size = UInt64(bodyBuffer.count)
                        return http(table, &request, &response, &error)
                    }
                }
            }
        }
        defer {
            OwnedBuffer.release(&response.headers_json)
            OwnedBuffer.release(&response.body)
            OwnedBuffer.release(&error)
        }
        guard status == TANDEM_STATUS_OK else {
            let message = (try? JSON(parsing: OwnedBuffer.bytes(error)))?["message"]?.stringValue ?? "HTTP request failed"
            throw ConnectorError(status == TANDEM_STATUS_INVALID ? .invalid : .transient, message)
        }
        var headerMap: [String: String] = [:]
        if let parsed = try? JSON(parsing: OwnedBuffer.bytes(response.headers_json)), let members = parsed.objectValue {
            for (name, value) in members { headerMap[name.lowercased()] = value.stringValue }
        }
        return Response(status: Int(response.http_status), headers: headerMap, body: OwnedBuffer.bytes(response.body))
    }

    /// The secret `name` from the node's secret store, or nil when it has none.
    public func secret(_ name: String) -> String? {
        guard let secret = table.pointee.secret else { return nil }
        var value = tandem_buffer_t()
        value.struct_size = UInt32(MemoryLayout<tandem_buffer_t>.size)
        let status = name.withCString { secret(table, $0, &value) }
        defer { OwnedBuffer.release(&value) }
        guard status == TANDEM_STATUS_OK else { return nil }
        return String(decoding: OwnedBuffer.bytes(value), as: UTF8.self)
    }

    /// The node's clock in milliseconds since the Unix epoch.
    public func nowMs() -> Int64 {
        guard let now = table.pointee.now_ms else { return 0 }
        return now(table)
    }
}

private func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}
