import PluginAPI
import Synchronization
import TandemJSON
import TandemRuntime

/// One instance of a plugin, created from one connection side's config.
///
/// Owns the plugin's instance handle and the host table it was given (both
/// freed in `deinit`, in that order: the plugin may use the table until its
/// destroy returns). Calls to a plugin that is not thread-safe are serialised
/// by `serial`; thread-safe plugins are called concurrently.
///
/// Thread: call from the node's own worker threads, never from Swift's
/// cooperative pool: a plugin call blocks its thread for a tracker round trip.
public final class PluginInstance: @unchecked Sendable {
    public let plugin: LoadedPlugin
    public let name: String
    private let handle: UnsafeMutableRawPointer
    private let hostTable: UnsafeMutablePointer<tandem_host_t>
    private let context: Unmanaged<HostContext>
    private let serial = Mutex<Void>(())
    /// How long a call may run before it counts as stalled.
    public var timeoutMs: Int64 = 30_000
    /// Records calls in flight and charges crashes to entities; set by the
    /// node before the first call, nil in tools and tests that need neither.
    var monitor: PluginCallMonitor?

    /// Creates the instance.
    ///
    /// - Throws: `PluginCallError` with the plugin's reason (for a bad config,
    ///   it names the key).
    public init(plugin: LoadedPlugin, name: String, configuration: JSON, services: HostServices) throws(PluginCallError) {
        self.plugin = plugin
        self.name = name
        let context = Unmanaged.passRetained(HostContext(instanceName: name, services: services))
        let hostTable = HostTable.make(context: context.toOpaque())
        var instance: UnsafeMutableRawPointer?
        var error = emptyBuffer()
        let config = configuration.serialized()
        let status = config.withUnsafeBufferPointer {
            plugin.api.createInstance(hostTable, $0.baseAddress, UInt64($0.count), &instance, &error)
        }
        let errorBytes = OwnedBuffer.bytes(error)
        OwnedBuffer.release(&error)
        self.context = context
        self.hostTable = hostTable
        guard status == TANDEM_STATUS_OK, let instance else {
            hostTable.deallocate()
            context.release()
            throw Self.error(status: status == TANDEM_STATUS_OK ? TANDEM_STATUS_INTERNAL : status, body: errorBytes,
                             fallback: "\(plugin.id) refused to create instance '\(name)'")
        }
        handle = instance
    }

    deinit {
        plugin.api.destroyInstance(handle)
        hostTable.deallocate()
        context.release()
    }

    /// Runs `operation` with JSON in and JSON out.
    ///
    /// An operation the plugin does not declare is refused here and never
    /// reaches the plugin.
    public func call(_ operation: String, _ input: JSON = .object([:]), blob: [UInt8]? = nil) throws(PluginCallError) -> PluginOutput {
        guard plugin.operations.contains(operation) else {
            throw PluginCallError(.unsupported, "\(plugin.id) does not declare operation '\(operation)'; the node will not call it")
        }
        let inputBytes = input.serialized()
        let outcome = plugin.isThreadSafe
            ? monitored(operation, inputBytes, blob)
            : serial.withLock { _ in monitored(operation, inputBytes, blob) }
        switch outcome.json {
        case .success(let json): return PluginOutput(json: json, blob: outcome.blob)
        case .failure(let error):
            throw PluginCallError(.internal, "\(plugin.id) answered '\(operation)' with invalid JSON: \(error)")
        case nil:
            throw Self.error(status: outcome.status, body: outcome.errorBody, fallback: "\(plugin.id) failed '\(operation)'")
        }
    }

    /// What came back from one call, read out of the plugin's buffers before they were released.
    private struct Outcome {
        var status: Int32
        /// The parsed output on success; nil on a non-OK status.
        var json: Result<JSON, JSONError>?
        var errorBody: [UInt8]
        var blob: [UInt8]?
    }

    /// `invoke`, recorded in flight for its whole duration (inside the serial
    /// lock: waiting for another call is not running).
    private func monitored(_ operation: String, _ input: [UInt8], _ blob: [UInt8]?) -> Outcome {
        guard let monitor else { return invoke(operation, input, blob) }
        let token = monitor.begin(plugin: plugin.id, instance: name, operation: operation, timeoutMs: timeoutMs)
        defer { monitor.end(token) }
        return invoke(operation, input, blob)
    }

    private func invoke(_ operation: String, _ input: [UInt8], _ blob: [UInt8]?) -> Outcome {
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
        guard status == TANDEM_STATUS_OK else {
            return Outcome(status: status, json: nil, errorBody: OwnedBuffer.bytes(result.json), blob: nil)
        }
        // Parsed straight from the plugin's buffer: no intermediate copy.
        let json: Result<JSON, JSONError>
        if let data = result.json.data, result.json.size > 0 {
            let bytes = UnsafeBufferPointer(start: data, count: Int(result.json.size))
            do throws(JSONError) { json = .success(try JSON(parsing: bytes)) } catch { json = .failure(error) }
        } else {
            json = .success(.null)
        }
        return Outcome(status: status, json: json, errorBody: [], blob: blob)
    }

    static func error(status: Int32, body: [UInt8], fallback: String) -> PluginCallError {
        let parsed = try? JSON(parsing: body)
        let message = parsed?["message"]?.stringValue ?? fallback
        let kind = PluginCallError.Kind(rawValue: status) ?? .internal
        let retry = kind == .rateLimited ? Int64(parsed?["retry_after_ms"]?.intValue ?? 1000) : nil
        return PluginCallError(kind, message, retryAfterMs: retry)
    }
}

/// What an operation returned.
public struct PluginOutput: Sendable {
    public let json: JSON
    /// Binary output (attachment bytes), when the operation has any.
    public let blob: [UInt8]?
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
