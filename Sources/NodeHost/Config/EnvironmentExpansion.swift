import Foundation
import TandemJSON

/// Replaces `${NAME}` inside every string of a configuration with the
/// environment variable NAME (docs/operations.md, "Configure").
///
/// A missing variable is an error naming the path and the variable, so a node
/// never starts with an empty secret. `$${` writes a literal `${`.
///
/// With `unset`, a missing variable is reported to it (JSON path, name) and
/// left as written, so every missing variable is found in one pass.
enum EnvironmentExpansion {
    typealias Unset = (_ path: String, _ name: String) -> Void

    static func expand(_ json: JSON, path: String = "$", environment: [String: String],
                       unset: Unset? = nil) throws(ConfigError) -> JSON {
        switch json {
        case .string(let text):
            return .string(try expand(text, path: path, environment: environment, unset: unset))
        case .array(let items):
            var result: [JSON] = []
            for (index, item) in items.enumerated() {
                result.append(try expand(item, path: "\(path)[\(index)]", environment: environment, unset: unset))
            }
            return .array(result)
        case .object(let members):
            var result: [String: JSON] = [:]
            for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                result[key] = try expand(value, path: path + "." + key, environment: environment, unset: unset)
            }
            return .object(result)
        default:
            return json
        }
    }

    /// The values of every variable `json` refers to (to mask them in errors).
    static func referencedValues(_ json: JSON, environment: [String: String]) -> [String] {
        switch json {
        case .string(let text):
            var values: [String] = []
            var rest = Substring(text)
            while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
                if let value = environment[String(rest[start.upperBound..<end])], !value.isEmpty { values.append(value) }
                rest = rest[rest.index(after: end)...]
            }
            return values
        case .array(let items): return items.flatMap { referencedValues($0, environment: environment) }
        case .object(let members): return members.values.flatMap { referencedValues($0, environment: environment) }
        default: return []
        }
    }

    static func expand(_ text: String, path: String, environment: [String: String], unset: Unset? = nil) throws(ConfigError) -> String {
        guard text.contains("${") else { return text }
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            if rest[..<start.lowerBound].hasSuffix("$") {
                output += rest[..<rest.index(before: start.lowerBound)] + "${"
                rest = rest[start.upperBound...]
                continue
            }
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw ConfigError(path, "has a ${ without its closing }")
            }
            let name = String(rest[start.upperBound..<end])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConfigError(path, "'${\(name)}' is not a valid environment variable name")
            }
            guard let value = environment[name] else {
                guard let unset else { throw ConfigError(path, "environment variable \(name) is not set") }
                unset(path, name)
                output += "${\(name)}"
                rest = rest[rest.index(after: end)...]
                continue
            }
            output += value
            rest = rest[rest.index(after: end)...]
        }
        return output + rest
    }
}
