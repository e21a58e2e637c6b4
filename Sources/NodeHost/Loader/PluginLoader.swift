import PluginAPI
import TandemJSON
import TandemRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Finds, loads and validates connector plugins (docs/connector-guide.md, "The ABI rules").
///
/// Loading: `dlopen(RTLD_NOW | RTLD_LOCAL |
/// RTLD_NODELETE)`, one `dlsym` of the entry, negotiation, validation, a copy
/// of the descriptor. A library is never `dlclose`d: the Swift runtime keeps
/// pointers into every image it has seen. Each refusal carries its reason and
/// never stops the other files from loading.
///
/// Thread: `scan` and `load` run on the caller's thread; plugins' entries are
/// called there.
public struct PluginLoader: Sendable {
    /// The ABI majors this node loads, and its minor of the newest.
    public static let abiMajors: ClosedRange<Int> = Int(TANDEM_ABI_MAJOR)...Int(TANDEM_ABI_MAJOR)
    public static let abiMinor = Int(TANDEM_ABI_MINOR)
    /// v1.0's descriptor ends with `api`: anything smaller lacks required fields.
    static let minimumDescriptorSize = MemoryLayout<tandem_plugin_descriptor_t>.offset(of: \.api)!
        + MemoryLayout<UnsafePointer<tandem_plugin_api_t>?>.size
    static let minimumAPISize = MemoryLayout<tandem_plugin_api_t>.offset(of: \.call)!
        + MemoryLayout<PluginFunctions.Call?>.size

    /// The runtime tag Swift plugins must match; tests set another to simulate a mismatch.
    public let hostRuntime: String

    public init(hostRuntime: String = swiftRuntimeTag) {
        self.hostRuntime = hostRuntime
    }

    /// Loads every `*.so` file in `directory`, in name order.
    ///
    /// Files whose names do not end in `.so` (a README, a config) are not
    /// plugins and are skipped; a `.so` that is not a plugin is refused.
    /// - Returns: one entry per `.so` file, loaded or refused with its reason.
    /// - Throws: `PluginDirectoryError` when the folder cannot be read.
    public func scan(directory: String) throws(PluginDirectoryError) -> [PluginScanEntry] {
        var entries: [PluginScanEntry] = []
        var firstFileByID: [String: String] = [:]
        for name in try Self.sharedObjectNames(in: directory) {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            switch load(path: path) {
            case .success(let plugin):
                if let first = firstFileByID[plugin.id] {
                    entries.append(PluginScanEntry(file: name, outcome: .failure(.duplicateID(id: plugin.id, firstFile: first))))
                } else {
                    firstFileByID[plugin.id] = name
                    entries.append(PluginScanEntry(file: name, outcome: .success(plugin)))
                }
            case .failure(let refusal):
                entries.append(PluginScanEntry(file: name, outcome: .failure(refusal)))
            }
        }
        return entries
    }

    /// Loads one library and returns the validated plugin, or why it was refused.
    /// `from` is the file actually opened (a private copy), `path` the one reported.
    public func load(path: String, from loadPath: String? = nil) -> Result<LoadedPlugin, PluginRefusal> {
        _ = dlerror()
        // Without a slash dlopen searches the library path instead of opening the file.
        var opened = loadPath ?? path
        if !opened.contains("/") { opened = "./" + opened }
        guard let handle = dlopen(opened, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            let detail = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            return .failure(.notSharedObject(detail))
        }
        // Never dlclose(handle): see the type's comment.
        guard let symbol = dlsym(handle, TANDEM_PLUGIN_ENTRY_SYMBOL) else { return .failure(.missingEntry) }
        let entry = unsafeBitCast(symbol, to: tandem_plugin_entry_fn.self)
        return negotiate(entry, file: path)
    }

    func negotiate(_ entry: tandem_plugin_entry_fn, file: String) -> Result<LoadedPlugin, PluginRefusal> {
        var descriptorPointer: UnsafePointer<tandem_plugin_descriptor_t>?
        let status: tandem_status_t = hostRuntime.withCString { runtime in
            "tandem \(tandemVersion)".withCString { version in
                var info = tandem_host_info_t()
                info.struct_size = UInt32(MemoryLayout<tandem_host_info_t>.size)
                info.abi_major_min = UInt16(Self.abiMajors.lowerBound)
                info.abi_major_max = UInt16(Self.abiMajors.upperBound)
                info.abi_minor = UInt16(Self.abiMinor)
                info.runtime = runtime
                info.host_version = version
                return entry(&info, &descriptorPointer)
            }
        }
        guard status == TANDEM_STATUS_OK else { return .failure(.entryFailed(status: status)) }
        guard let descriptorPointer else { return .failure(.entryReturnedNoDescriptor) }
        return validate(descriptorPointer, file: file)
    }

    private func validate(_ raw: UnsafePointer<tandem_plugin_descriptor_t>, file: String) -> Result<LoadedPlugin, PluginRefusal> {
        let size = Int(raw.pointee.struct_size)
        guard size >= Self.minimumDescriptorSize else {
            return .failure(.descriptorTooSmall(size: size, minimum: Self.minimumDescriptorSize))
        }
        // A larger descriptor is a newer minor: its tail is ignored, v1's prefix is read.
        let descriptor = raw.pointee
        let major = Int(descriptor.abi_major), minor = Int(descriptor.abi_minor)
        guard Self.abiMajors.contains(major) else {
            return .failure(.unsupportedABI(pluginMajor: major, pluginMinor: minor, hostRange: Self.abiMajors))
        }
        guard let id = descriptor.id.map({ String(cString: $0) }), isValidPluginID(id) else {
            return .failure(.invalidDescriptor("id is missing or not of the form [a-z0-9][a-z0-9._-]*"))
        }
        guard let runtime = descriptor.runtime.map({ String(cString: $0) }), !runtime.isEmpty else {
            return .failure(.invalidDescriptor("runtime is missing"))
        }
        if runtime.hasPrefix("swift-") && runtime != "swift-static" && runtime != hostRuntime {
            return .failure(.runtimeMismatch(plugin: runtime, host: hostRuntime))
        }
        if runtime != "c" && !runtime.hasPrefix("swift-") {
            return .failure(.invalidDescriptor("unknown runtime '\(runtime)' (expected 'c' or 'swift-X.Y.Z')"))
        }
        guard let capabilitiesText = descriptor.capabilities_json.map({ String(cString: $0) }),
              let capabilities = try? JSON(parsing: capabilitiesText),
              let operationValues = capabilities["operations"]?.arrayValue else {
            return .failure(.invalidDescriptor("capabilities_json is missing or has no \"operations\" array"))
        }
        let operations = operationValues.compactMap(\.stringValue)
        guard operations.count == operationValues.count, operations.contains("describe") else {
            return .failure(.invalidDescriptor("\"operations\" must be strings and include \"describe\""))
        }
        guard let api = descriptor.api else { return .failure(.missingFunction("api")) }
        guard Int(api.pointee.struct_size) >= Self.minimumAPISize else {
            return .failure(.invalidDescriptor("plugin table is \(api.pointee.struct_size) bytes, ABI 1 needs at least \(Self.minimumAPISize)"))
        }
        guard let create = api.pointee.create_instance else { return .failure(.missingFunction("create_instance")) }
        guard let destroy = api.pointee.destroy_instance else { return .failure(.missingFunction("destroy_instance")) }
        guard let call = api.pointee.call else { return .failure(.missingFunction("call")) }
        return .success(LoadedPlugin(
            file: file, id: id,
            name: descriptor.name.map { String(cString: $0) } ?? id,
            version: descriptor.version.map { String(cString: $0) } ?? "",
            runtime: runtime, abiMajor: major, abiMinor: minor,
            isThreadSafe: descriptor.flags & TANDEM_PLUGIN_THREAD_SAFE != 0,
            operations: operations, capabilities: capabilities,
            api: PluginFunctions(createInstance: create, destroyInstance: destroy, call: call)))
    }

    static func sharedObjectNames(in directory: String) throws(PluginDirectoryError) -> [String] {
        guard let stream = opendir(directory) else {
            throw PluginDirectoryError(directory: directory, reason: String(cString: strerror(errno)))
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") || !name.hasSuffix(".so") { continue }
            names.append(name)
        }
        return names.sorted()
    }
}

/// One `.so` file of a scanned folder and what became of it.
public struct PluginScanEntry: Sendable {
    public let file: String
    public let outcome: Result<LoadedPlugin, PluginRefusal>
}

/// The plugins folder could not be read at all.
public struct PluginDirectoryError: Error, Sendable, CustomStringConvertible {
    public let directory: String
    public let reason: String
    public var description: String { "cannot read plugins folder '\(directory)': \(reason)" }
}

private func isValidPluginID(_ id: String) -> Bool {
    let bytes = Array(id.utf8)
    guard let first = bytes.first, isLowerAlnum(first), bytes.count <= 64 else { return false }
    return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
}

private func isLowerAlnum(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
}
