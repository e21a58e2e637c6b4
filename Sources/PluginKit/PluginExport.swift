import PluginAPI
import Synchronization
import TandemRuntime

/// The C-visible type of the entry's arguments, for the one-line export.
public typealias HostInfoPointer = UnsafePointer<tandem_host_info_t>
public typealias DescriptorOut = UnsafeMutablePointer<UnsafePointer<tandem_plugin_descriptor_t>?>

/// The runtime tag PluginKit puts in the descriptor of a Swift plugin.
let pluginRuntimeTag = swiftRuntimeTag

/// Answers the plugin entry for `connector`: builds the descriptor and the
/// function table once, and returns the same descriptor on every later call.
///
/// Call it from the plugin's only exported function:
/// ```swift
/// @_cdecl("tandem_plugin_entry") public func entry(_ h: HostInfoPointer?, _ d: DescriptorOut?) -> Int32 { exportConnector(MyConnector.self, h, d) }
/// ```
/// Refuses (INVALID) a host that speaks no ABI major this PluginKit knows.
public func exportConnector<C: Connector>(_ connector: C.Type, _ host: HostInfoPointer?,
                                          _ out: DescriptorOut?) -> Int32 {
    guard let host, let out else { return TANDEM_STATUS_INVALID }
    let major = UInt16(TANDEM_ABI_MAJOR)
    guard host.pointee.abi_major_min <= major, major <= host.pointee.abi_major_max else {
        return TANDEM_STATUS_UNSUPPORTED
    }
    out.pointee = UnsafePointer(ExportedPlugin.descriptor(for: connector))
    return TANDEM_STATUS_OK
}

/// The process-lifetime state of the one connector this library exports.
///
/// Invariant: `descriptor` and everything it points to are allocated once and
/// never freed (the library is never unloaded, and the node may hold the
/// pointers). `connectorType` is set before the descriptor is published.
enum ExportedPlugin {
    private static let lock = Mutex<Void>(())
    nonisolated(unsafe) private static var published: UnsafeMutablePointer<tandem_plugin_descriptor_t>?
    nonisolated(unsafe) static var connectorType: (any Connector.Type)?
    nonisolated(unsafe) static var describeBytes: [UInt8] = []

    static func descriptor<C: Connector>(for connector: C.Type) -> UnsafeMutablePointer<tandem_plugin_descriptor_t> {
        lock.withLock { _ in
            if let published { return published }
            connectorType = connector
            describeBytes = connector.describe().serialized()
            let api = UnsafeMutablePointer<tandem_plugin_api_t>.allocate(capacity: 1)
            api.initialize(to: tandem_plugin_api_t(
                struct_size: UInt32(MemoryLayout<tandem_plugin_api_t>.size), reserved: 0,
                create_instance: createInstanceThunk, destroy_instance: destroyInstanceThunk, call: callThunk))
            let descriptor = UnsafeMutablePointer<tandem_plugin_descriptor_t>.allocate(capacity: 1)
            var capabilityMembers: [String: JSON] = [
                "operations": .array((["describe"] + connector.operations).map(JSON.string)),
            ]
            if let signature = connector.webhookSignature { capabilityMembers["webhookSignature"] = signature.json }
            let capabilities = JSON.object(capabilityMembers).text
            descriptor.initialize(to: tandem_plugin_descriptor_t(
                struct_size: UInt32(MemoryLayout<tandem_plugin_descriptor_t>.size),
                abi_major: UInt16(TANDEM_ABI_MAJOR), abi_minor: UInt16(TANDEM_ABI_MINOR),
                flags: connector.isThreadSafe ? TANDEM_PLUGIN_THREAD_SAFE : 0, reserved: 0,
                id: permanentCString(connector.id), name: permanentCString(connector.name),
                version: permanentCString(connector.version), runtime: permanentCString(pluginRuntimeTag),
                capabilities_json: permanentCString(capabilities), api: UnsafePointer(api)))
            published = descriptor
            return descriptor
        }
    }

    private static func permanentCString(_ text: String) -> UnsafePointer<CChar> {
        let bytes = Array(text.utf8CString)
        let memory = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        memory.initialize(from: bytes, count: bytes.count)
        return UnsafePointer(memory)
    }
}
