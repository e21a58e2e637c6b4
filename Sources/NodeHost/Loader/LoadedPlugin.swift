import PluginAPI
import TandemJSON

/// A plugin the loader accepted: the host's own copy of its descriptor and table.
///
/// Invariant: every string was copied out of the plugin at load time, and
/// `api`'s three functions are non-nil. The library behind it is never unloaded,
/// so the function pointers stay valid for the life of the process.
public struct LoadedPlugin: Sendable {
    public let file: String
    public let id: String
    public let name: String
    public let version: String
    public let runtime: String
    public let abiMajor: Int
    public let abiMinor: Int
    public let isThreadSafe: Bool
    /// The operations the plugin declares; the host calls no others.
    public let operations: [String]
    public let capabilities: JSON
    let api: PluginFunctions

    /// `abiMajor.abiMinor`, as shown by `tandem plugins list`.
    public var abi: String { "\(abiMajor).\(abiMinor)" }
}

/// The plugin's function table, copied out of `tandem_plugin_api_t`.
struct PluginFunctions: @unchecked Sendable {
    typealias CreateInstance = @convention(c) (
        UnsafePointer<tandem_host_t>?, UnsafePointer<UInt8>?, UInt64,
        UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<tandem_buffer_t>?
    ) -> tandem_status_t
    typealias DestroyInstance = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias Call = @convention(c) (
        UnsafeMutableRawPointer?, UnsafePointer<tandem_call_t>?, UnsafeMutablePointer<tandem_result_t>?
    ) -> tandem_status_t

    let createInstance: CreateInstance
    let destroyInstance: DestroyInstance
    let call: Call
}
