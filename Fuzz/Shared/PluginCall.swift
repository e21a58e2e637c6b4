// A minimal host for fuzzing a connector through its C entry point, the way
// the node calls it: entry → descriptor → create_instance → call. The host
// offers a log that drops lines, no HTTP, no secrets and a fixed clock, so an
// operation that needs the network fails cleanly instead of reaching out.
import PluginAPI

/// One connector instance created through the plugin's function table.
final class FuzzedPlugin {
    private let api: UnsafePointer<tandem_plugin_api_t>
    private let host: UnsafeMutablePointer<tandem_host_t>
    private let instance: UnsafeMutableRawPointer

    /// Loads the plugin behind `entry` and creates one instance from `config`.
    init(entry: (UnsafePointer<tandem_host_info_t>?, UnsafeMutablePointer<UnsafePointer<tandem_plugin_descriptor_t>?>?) -> Int32,
         config: String) {
        var info = tandem_host_info_t()
        info.struct_size = UInt32(MemoryLayout<tandem_host_info_t>.size)
        info.abi_major_min = UInt16(TANDEM_ABI_MAJOR)
        info.abi_major_max = UInt16(TANDEM_ABI_MAJOR)
        info.abi_minor = UInt16(TANDEM_ABI_MINOR)
        var descriptor: UnsafePointer<tandem_plugin_descriptor_t>?
        let status = "fuzz".withCString { runtime in
            info.runtime = runtime
            return entry(&info, &descriptor)
        }
        guard status == TANDEM_STATUS_OK, let descriptor, let api = descriptor.pointee.api else {
            fatalError("plugin entry refused the fuzz host (status \(status))")
        }
        let host = UnsafeMutablePointer<tandem_host_t>.allocate(capacity: 1)
        host.initialize(to: tandem_host_t())
        host.pointee.struct_size = UInt32(MemoryLayout<tandem_host_t>.size)
        host.pointee.log = { _, _, _ in }
        host.pointee.now_ms = { _ in 1_764_748_800_000 }
        var created: UnsafeMutableRawPointer?
        var error = tandem_buffer_t()
        error.struct_size = UInt32(MemoryLayout<tandem_buffer_t>.size)
        let bytes = Array(config.utf8)
        let createStatus = bytes.withUnsafeBufferPointer {
            api.pointee.create_instance(UnsafePointer(host), $0.baseAddress, UInt64($0.count), &created, &error)
        }
        guard createStatus == TANDEM_STATUS_OK, let created else {
            fatalError("plugin refused the fuzz configuration: \(Self.take(&error))")
        }
        self.api = api
        self.host = host
        instance = created
    }

    /// Calls `operation` with `input` (JSON text) and returns the status and
    /// the result's JSON text, releasing the plugin's buffers.
    func call(_ operation: String, input: [UInt8]) -> (tandem_status_t, String) {
        var result = tandem_result_t()
        result.struct_size = UInt32(MemoryLayout<tandem_result_t>.size)
        let status = operation.withCString { name in
            input.withUnsafeBufferPointer { bytes in
                var call = tandem_call_t()
                call.struct_size = UInt32(MemoryLayout<tandem_call_t>.size)
                call.operation = name
                call.input = bytes.baseAddress
                call.input_size = UInt64(bytes.count)
                return api.pointee.call(instance, &call, &result)
            }
        }
        _ = Self.take(&result.blob)
        return (status, Self.take(&result.json))
    }

    /// The buffer's bytes as text; releases the buffer.
    private static func take(_ buffer: inout tandem_buffer_t) -> String {
        defer { buffer.release?(&buffer) }
        guard let data = buffer.data else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(buffer.size)), as: UTF8.self)
    }
}

/// Feeds `body` to `webhook.parse` as a webhook request's body and checks the
/// contract: OK with `events`, or INVALID with a `message`.
func fuzzWebhookParse(_ plugin: FuzzedPlugin, body: String) {
    var input = "{\"headers\": {\"content-type\": \"application/json\"}, \"body\": \""
    for scalar in body.unicodeScalars {
        switch scalar {
        case "\"": input += "\\\""
        case "\\": input += "\\\\"
        case _ where scalar.value < 0x20: input += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
            + String(scalar.value, radix: 16)
        default: input.unicodeScalars.append(scalar)
        }
    }
    input += "\"}"
    let (status, json) = plugin.call("webhook.parse", input: Array(input.utf8))
    switch status {
    case TANDEM_STATUS_OK:
        guard json.contains("\"events\"") else { fatalError("webhook.parse answered OK without events: \(json)") }
    case TANDEM_STATUS_INVALID:
        guard json.contains("\"message\"") else { fatalError("webhook.parse refused without a message: \(json)") }
    default:
        fatalError("webhook.parse answered status \(status): \(json)")
    }
}
