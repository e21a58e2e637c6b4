import TandemJSON

/// Why a peer message could not be decoded; names the member at fault.
enum ProtocolError: Error, Equatable, CustomStringConvertible {
    case missing(String)
    case wrongType(String, expected: String)
    case unknownKind(String)
    case unknownValue(String, String)
    case unsupportedVersion(String)

    var description: String {
        switch self {
        case .missing(let path): return "message member '\(path)' is missing"
        case .wrongType(let path, let expected): return "message member '\(path)' must be \(expected)"
        case .unknownKind(let kind): return "unknown message kind '\(kind)'"
        case .unknownValue(let path, let value): return "message member '\(path)' has an unknown value '\(value)'"
        case .unsupportedVersion(let version):
            return "peer protocol \(version) is not supported: this node speaks \(ProtocolVersion.current) and reads 1.x; upgrade the older node"
        }
    }
}

extension JSON {
    /// Member `name` of this object as a string; `path` names the object in errors.
    func requiredString(_ name: String, in path: String) throws(ProtocolError) -> String {
        guard let value = self[name], value != .null else { throw .missing(path + "." + name) }
        guard let text = value.stringValue else { throw .wrongType(path + "." + name, expected: "a string") }
        return text
    }

    func optionalString(_ name: String, in path: String) throws(ProtocolError) -> String? {
        guard let value = self[name], value != .null else { return nil }
        guard let text = value.stringValue else { throw .wrongType(path + "." + name, expected: "a string") }
        return text
    }

    func requiredInt(_ name: String, in path: String) throws(ProtocolError) -> Int64 {
        guard let value = self[name], value != .null else { throw .missing(path + "." + name) }
        guard case .int(let number) = value else { throw .wrongType(path + "." + name, expected: "an integer") }
        return number
    }

    func optionalInt(_ name: String, in path: String) throws(ProtocolError) -> Int64? {
        guard let value = self[name], value != .null else { return nil }
        guard case .int(let number) = value else { throw .wrongType(path + "." + name, expected: "an integer") }
        return number
    }
}
