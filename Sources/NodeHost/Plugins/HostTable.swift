import PluginAPI
import TandemJSON
import TandemRuntime

/// The per-instance state behind a host table's `host_data`.
final class HostContext {
    let instanceName: String
    let services: HostServices

    init(instanceName: String, services: HostServices) {
        self.instanceName = instanceName
        self.services = services
    }
}

/// Builds the `tandem_host_t` an instance receives. Its functions are C
/// function pointers (non-capturing); each finds its `HostContext` through
/// `host_data`. Nothing they call may throw across the boundary.
enum HostTable {
    static func make(context: UnsafeMutableRawPointer) -> UnsafeMutablePointer<tandem_host_t> {
        let table = UnsafeMutablePointer<tandem_host_t>.allocate(capacity: 1)
        table.initialize(to: tandem_host_t(
            struct_size: UInt32(MemoryLayout<tandem_host_t>.size), reserved: 0, host_data: context,
            log: logThunk, http: httpThunk, secret: secretThunk, now_ms: nowThunk))
        return table
    }

    static func context(_ host: UnsafePointer<tandem_host_t>?) -> HostContext? {
        guard let data = host?.pointee.host_data else { return nil }
        return Unmanaged<HostContext>.fromOpaque(data).takeUnretainedValue()
    }
}

private let logThunk: @convention(c) (UnsafePointer<tandem_host_t>?, Int32, UnsafePointer<CChar>?) -> Void = { host, level, message in
    guard let context = HostTable.context(host), let message else { return }
    context.services.log(context.instanceName, level, String(cString: message))
}

private let nowThunk: @convention(c) (UnsafePointer<tandem_host_t>?) -> Int64 = { host in
    HostTable.context(host)?.services.nowMs() ?? 0
}

private let secretThunk: @convention(c) (
    UnsafePointer<tandem_host_t>?, UnsafePointer<CChar>?, UnsafeMutablePointer<tandem_buffer_t>?
) -> tandem_status_t = { host, name, value in
    guard let context = HostTable.context(host), let name, let value else { return TANDEM_STATUS_INVALID }
    do throws(HostServiceError) {
        guard let secret = try context.services.secret(String(cString: name)) else { return TANDEM_STATUS_NOT_FOUND }
        OwnedBuffer.fill(&value.pointee, with: Array(secret.utf8))
        return TANDEM_STATUS_OK
    } catch {
        // The status has no message: the reason goes to the instance's log.
        context.services.log(context.instanceName, 2, "secret '\(String(cString: name))' cannot be looked up now: \(error)")
        return TANDEM_STATUS_TRANSIENT
    }
}

private let httpThunk: @convention(c) (
    UnsafePointer<tandem_host_t>?, UnsafePointer<tandem_http_request_t>?,
    UnsafeMutablePointer<tandem_http_response_t>?, UnsafeMutablePointer<tandem_buffer_t>?
) -> tandem_status_t = { host, request, response, error in
    func fail(_ status: tandem_status_t, _ message: String) -> tandem_status_t {
        if let error { OwnedBuffer.fill(&error.pointee, with: JSON.object(["message": .string(message)]).serialized()) }
        return status
    }
    guard let context = HostTable.context(host), let request, let response,
          let method = request.pointee.method, let url = request.pointee.url else {
        return fail(TANDEM_STATUS_INVALID, "http needs a request with method and url, and a response to fill")
    }
    var headers: [String: String] = [:]
    if let headersText = request.pointee.headers_json {
        guard let parsed = try? JSON(parsing: String(cString: headersText)), let members = parsed.objectValue else {
            return fail(TANDEM_STATUS_INVALID, "headers_json is not a JSON object")
        }
        for (name, value) in members {
            guard let text = value.stringValue else { return fail(TANDEM_STATUS_INVALID, "header '\(name)' is not a string") }
            headers[name] = text
        }
    }
    let body = request.pointee.body.map { Array(UnsafeBufferPointer(start: $0, count: Int(request.pointee.body_size))) } ?? []
    let hostRequest = HostHTTPRequest(method: String(cString: method), url: String(cString: url), headers: headers,
                                      body: body, timeoutMs: request.pointee.timeout_ms)
    switch context.services.http(hostRequest) {
    case .success(let answer):
        response.pointee.http_status = Int32(answer.status)
        OwnedBuffer.fill(&response.pointee.headers_json, with: JSON.object(answer.headers.mapValues(JSON.string)).serialized())
        OwnedBuffer.fill(&response.pointee.body, with: answer.body)
        return TANDEM_STATUS_OK
    case .failure(.notAllowed(let detail)):
        return fail(TANDEM_STATUS_INVALID, detail)
    case .failure(.unreachable(let detail)):
        return fail(TANDEM_STATUS_TRANSIENT, detail)
    }
}
