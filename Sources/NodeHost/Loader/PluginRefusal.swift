/// Why the loader refused a file, as one line an operator can act on.
public enum PluginRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case notSharedObject(String)
    case missingEntry
    case entryFailed(status: Int32)
    case entryReturnedNoDescriptor
    case descriptorTooSmall(size: Int, minimum: Int)
    case unsupportedABI(pluginMajor: Int, pluginMinor: Int, hostRange: ClosedRange<Int>)
    case missingFunction(String)
    case invalidDescriptor(String)
    case runtimeMismatch(plugin: String, host: String)
    case duplicateID(id: String, firstFile: String)

    public var description: String {
        switch self {
        case .notSharedObject(let detail):
            return "not a loadable shared object: \(detail)"
        case .missingEntry:
            return "no 'tandem_plugin_entry' function: not a Tandem plugin"
        case .entryFailed(let status):
            return "tandem_plugin_entry refused to load (status \(status) \(statusName(status)))"
        case .entryReturnedNoDescriptor:
            return "tandem_plugin_entry returned OK but no descriptor"
        case .descriptorTooSmall(let size, let minimum):
            return "descriptor is \(size) bytes, ABI 1 needs at least \(minimum)"
        case .unsupportedABI(let major, let minor, let range):
            return "plugin speaks ABI \(major).\(minor), this node loads ABI \(range.lowerBound) to \(range.upperBound)"
        case .missingFunction(let name):
            return "plugin table has no '\(name)' function"
        case .invalidDescriptor(let detail):
            return "invalid descriptor: \(detail)"
        case .runtimeMismatch(let plugin, let host):
            return "built for Swift runtime \(plugin) but this node runs \(host); rebuild the plugin with the node's toolchain"
        case .duplicateID(let id, let firstFile):
            return "plugin id '\(id)' is already loaded from \(firstFile)"
        }
    }
}

/// The name of an ABI status code, for messages.
func statusName(_ status: Int32) -> String {
    switch status {
    case 0: return "ok"
    case 1: return "transient"
    case 2: return "rate-limited"
    case 3: return "not-found"
    case 4: return "invalid"
    case 5: return "auth"
    case 6: return "unsupported"
    case 7: return "internal"
    default: return "unknown"
    }
}
