import PluginAPI
import TandemJSON
import TandemRuntime

/// A plugin instance in this process: the plugin's handle and the host table
/// it was given (both freed in `deinit`, in that order: the plugin may use
/// the table until its destroy returns).
///
/// Thread: `invoke` from the node's own threads, serialised by the caller
/// unless the plugin is thread-safe.
final class NativeInstance: @unchecked Sendable {
    let plugin: LoadedPlugin
    private let handle: UnsafeMutableRawPointer
    private let hostTable: UnsafeMutablePointer<tandem_host_t>
    private let context: Unmanaged<HostContext>

    /// Creates the instance; throws the plugin's reason.
    init(plugin: LoadedPlugin, name: String, configuration: [UInt8], services: HostServices) throws(PluginCallError) {
        self.plugin = plugin
        let context = Unmanaged.passRetained(HostContext(instanceName: name, services: services))
        let hostTable = HostTable.make(context: context.toOpaque())
        var instance: UnsafeMutableRawPointer?
        var error = emptyBuffer()
        let status = configuration.withUnsafeBufferPointer {
            plugin.api.createInstance(hostTable, $0.baseAddress, UInt64($0.count), &instance, &error)
        }
        let errorBytes = OwnedBuffer.bytes(error)
        OwnedBuffer.release(&error)
        self.context = context
        self.hostTable = hostTable
        guard status == TANDEM_STATUS_OK, let instance else {
            hostTable.deallocate()
            context.release()
            throw PluginInstance.error(status: status == TANDEM_STATUS_OK ? TANDEM_STATUS_INTERNAL : status, body: errorBytes,
                                       fallback: "\(plugin.id) refused to create instance '\(name)'")
        }
        handle = instance
    }

    deinit {
        plugin.api.destroyInstance(handle)
        hostTable.deallocate()
        context.release()
    }

    /// Calls the plugin and hands `read` the status, the JSON buffer (output,
    /// or the error body) and the blob, before the plugin's buffers are released.
    func invoke<R>(_ operation: String, _ input: [UInt8], _ blob: [UInt8]?,
                   read: (Int32, UnsafeBufferPointer<UInt8>, [UInt8]?) -> R) -> R {
        var result = tandem_result_t()
        result.struct_size = UInt32(MemoryLayout<tandem_result_t>.size)
        result.json = emptyBuffer()
        result.blob = emptyBuffer()
        let status: Int32 = operation.withCString { name in
            input.withUnsafeBufferPointer { inputBuffer in
                withOptionalBytes(blob) { blobBuffer in
                    var call = tandem_call_t()
                    call.struct_size = UInt32(MemoryLayout<tandem_call_t>.size)
                    call.operation = name
                    call.input = inputBuffer.baseAddress
                    call.input_size = UInt64(inputBuffer.count)
                    call.blob = blobBuffer?.baseAddress
                    call.blob_size = UInt64(blobBuffer?.count ?? 0)
                    return plugin.api.call(handle, &call, &result)
                }
            }
        }
        defer {
            OwnedBuffer.release(&result.json)
            OwnedBuffer.release(&result.blob)
        }
        let blob = result.blob.release == nil && result.blob.size == 0 ? nil : OwnedBuffer.bytes(result.blob)
        let json = result.json.data.map { UnsafeBufferPointer(start: $0, count: Int(result.json.size)) }
            ?? UnsafeBufferPointer(start: nil, count: 0)
        return read(status, json, blob)
    }
}

func emptyBuffer() -> tandem_buffer_t {
    var buffer = tandem_buffer_t()
    buffer.struct_size = UInt32(MemoryLayout<tandem_buffer_t>.size)
    return buffer
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBufferPointer { body($0) }
}
