import TandemJSON

/// A set of JSON Schema documents that refer to each other by file name, and
/// a validator for the subset of JSON Schema (2020-12) they use.
///
/// Supported keywords: `type` (one name or a list; `integer` is a number
/// without a fraction), `properties`, `required`, `items`, `enum`,
/// `minLength`, `minimum`, `anyOf`, `$ref` (`#/$defs/x`, `file.json`,
/// `file.json#/$defs/x`) and `format: "tandem-time"` (ISO-8601 UTC with three
/// fraction digits and `Z`). Other keywords (`title`, `description`, `$defs`,
/// `$schema`) are annotations and ignored; an unknown keyword is not an error,
/// so schemas stay readable by standard tools.
public struct SchemaSet: Sendable {
    /// File name → parsed document.
    public let documents: [String: JSON]

    public init(documents: [String: JSON]) {
        self.documents = documents
    }

    /// Every violation of `document`'s schema by `value`; empty when it conforms.
    public func validate(_ value: JSON, against document: String) -> [SchemaViolation] {
        guard let schema = documents[document] else {
            return [SchemaViolation(path: "$", expected: "a schema named \(document)", got: "none in the set")]
        }
        var violations: [SchemaViolation] = []
        check(value, schema, in: document, at: "$", into: &violations)
        return violations
    }

    private func check(_ value: JSON, _ schema: JSON, in document: String, at path: String, into violations: inout [SchemaViolation]) {
        if let reference = schema["$ref"]?.stringValue {
            guard let (target, targetDocument) = resolve(reference, from: document) else {
                violations.append(SchemaViolation(path: path, expected: "a resolvable $ref \(reference)", got: "nothing there"))
                return
            }
            check(value, target, in: targetDocument, at: path, into: &violations)
        }
        if let types = schema["type"] {
            let names = types.arrayValue?.compactMap(\.stringValue) ?? [types.stringValue ?? ""]
            guard names.contains(where: { Self.isOfType(value, $0) }) else {
                violations.append(SchemaViolation(path: path, expected: names.joined(separator: " or "), got: Self.show(value)))
                return
            }
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            violations.append(SchemaViolation(path: path, expected: "one of \(JSON.array(allowed).text)", got: Self.show(value)))
        }
        if case .string(let text) = value {
            if let minimum = schema["minLength"]?.intValue, text.count < minimum {
                violations.append(SchemaViolation(path: path, expected: "a string of at least \(minimum) characters", got: Self.show(value)))
            }
            if schema["format"]?.stringValue == "tandem-time", !Self.isTandemTime(text) {
                violations.append(SchemaViolation(path: path, expected: "ISO-8601 UTC with milliseconds like 2026-11-22T08:00:00.000Z",
                                                  got: Self.show(value)))
            }
        }
        if let number = value.doubleValue, case .int = value, let minimum = schema["minimum"]?.doubleValue, number < minimum {
            violations.append(SchemaViolation(path: path, expected: "a number of at least \(schema["minimum"]!.text)", got: Self.show(value)))
        } else if case .double(let number) = value, let minimum = schema["minimum"]?.doubleValue, number < minimum {
            violations.append(SchemaViolation(path: path, expected: "a number of at least \(schema["minimum"]!.text)", got: Self.show(value)))
        }
        if case .object(let members) = value {
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                violations.append(SchemaViolation(path: path, expected: "member \"\(name)\"", got: "an object without it"))
            }
            for (name, propertySchema) in (schema["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let member = members[name] { check(member, propertySchema, in: document, at: path + "." + name, into: &violations) }
            }
        }
        if case .array(let items) = value, let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() {
                check(item, itemSchema, in: document, at: path + "[\(index)]", into: &violations)
            }
        }
        if let alternatives = schema["anyOf"]?.arrayValue {
            var closest: [SchemaViolation]?
            for alternative in alternatives {
                var attempt: [SchemaViolation] = []
                check(value, alternative, in: document, at: path, into: &attempt)
                if attempt.isEmpty { closest = nil; break }
                if closest == nil || attempt.count < closest!.count { closest = attempt }
            }
            if let closest { violations.append(contentsOf: closest) }
        }
    }

    private func resolve(_ reference: String, from document: String) -> (JSON, String)? {
        let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let file = parts[0].isEmpty ? document : String(parts[0])
        guard var target = documents[file] else { return nil }
        if parts.count == 2 {
            for component in parts[1].split(separator: "/") {
                guard let next = target[String(component)] else { return nil }
                target = next
            }
        }
        return (target, file)
    }

    static func isOfType(_ value: JSON, _ name: String) -> Bool {
        switch (name, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): return true
        case ("number", .int), ("number", .double), ("integer", .int): return true
        case ("integer", .double(let number)): return number.rounded() == number
        default: return false
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, exactly.
    public static func isTandemTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 24 else { return false }
        let shape = Array("dddd-dd-ddTdd:dd:dd.dddZ".utf8)
        for (byte, expected) in zip(bytes, shape) {
            if expected == UInt8(ascii: "d") {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return false }
            } else if byte != expected {
                return false
            }
        }
        return true
    }

    static func show(_ value: JSON) -> String {
        let text = value.text
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}
