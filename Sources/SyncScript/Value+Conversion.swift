import TandemJSON

/// Conversions between values and JSON and to text, equality and ordering.
///
/// Every recursive walk here carries a depth and stops at `maxValueDepth`, so
/// a map that contains itself is an error, not a stack overflow.
let maxValueDepth = 200

extension Value {
    init(_ json: JSON) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .int(value)
        case .double(let value): self = .double(value)
        case .string(let value): self = .string(value)
        case .array(let items): self = .list(ListBox(json: items))
        case .object(let members): self = .map(MapBox(json: members))
        }
    }

    func json(in run: Interpreter, at loc: Loc, depth: Int = 0) throws(Failure) -> JSON {
        guard depth < maxValueDepth else {
            throw .runtime("value is nested deeper than \(maxValueDepth) levels or contains itself", loc)
        }
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .double(let value):
            guard value.isFinite else { throw .runtime("number \(value) cannot be stored in JSON", loc) }
            return .double(value)
        case .string(let value): return .string(value)
        case .list(let list):
            if let untouched = list.untouchedJSON { return .array(untouched) }
            var items: [JSON] = []
            items.reserveCapacity(list.items.count)
            for item in list.items { items.append(try item.json(in: run, at: loc, depth: depth + 1)) }
            return .array(items)
        case .map(let map):
            if let untouched = map.untouchedJSON { return .object(untouched) }
            var members: [String: JSON] = [:]
            members.reserveCapacity(map.count)
            for (offset, key) in map.keys.enumerated() {
                members[key] = try map.values[offset].json(in: run, at: loc, depth: depth + 1)
            }
            return .object(members)
        case .closure, .function:
            throw .runtime("a closure cannot be converted to JSON", loc)
        case .object(let object):
            return try object.json(in: run, at: loc)
        }
    }

    /// The text of a value as string interpolation and `toString()` show it
    /// (Groovy style: `[a, b]`, `[key:value]`), failing past `limit` bytes.
    func text(limit: Int, at loc: Loc) throws(Failure) -> String {
        if case .string(let value) = self { return value }
        var out = ""
        try appendText(to: &out, limit: limit, depth: 0, at: loc)
        return out
    }

    private func appendText(to out: inout String, limit: Int, depth: Int, at loc: Loc) throws(Failure) {
        guard depth < maxValueDepth else {
            throw .runtime("value is nested deeper than \(maxValueDepth) levels or contains itself", loc)
        }
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += formatDouble(value)
        case .string(let value): out += value
        case .list(let list):
            out += "["
            for (offset, item) in list.items.enumerated() {
                if offset > 0 { out += ", " }
                try item.appendText(to: &out, limit: limit, depth: depth + 1, at: loc)
                if out.utf8.count > limit { break }
            }
            out += "]"
        case .map(let map):
            if map.count == 0 { out += "[:]"; break }
            out += "["
            for (offset, key) in map.keys.enumerated() {
                if offset > 0 { out += ", " }
                out += key
                out += ":"
                try map.values[offset].appendText(to: &out, limit: limit, depth: depth + 1, at: loc)
                if out.utf8.count > limit { break }
            }
            out += "]"
        case .closure, .function: out += "<closure>"
        case .object(let object): out += "<\(object.typeName)>"
        }
        if out.utf8.count > limit {
            throw .limit("string longer than the limit of \(limit) bytes", loc)
        }
    }

    /// Groovy `==`: numbers by value across int and decimal, lists and maps
    /// element by element, objects and closures by identity.
    func equals(_ other: Value, depth: Int = 0, at loc: Loc) throws(Failure) -> Bool {
        guard depth < maxValueDepth else {
            throw .runtime("value is nested deeper than \(maxValueDepth) levels or contains itself", loc)
        }
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int(let a), .double(let b)): return Double(a) == b
        case (.double(let a), .int(let b)): return a == Double(b)
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)):
            if a === b { return true }
            guard a.items.count == b.items.count else { return false }
            for offset in a.items.indices where !(try a.items[offset].equals(b.items[offset], depth: depth + 1, at: loc)) {
                return false
            }
            return true
        case (.map(let a), .map(let b)):
            if a === b { return true }
            guard a.count == b.count else { return false }
            for (offset, key) in a.keys.enumerated() {
                guard let value = b[key], try a.values[offset].equals(value, depth: depth + 1, at: loc) else { return false }
            }
            return true
        case (.closure(let a), .closure(let b)): return a === b
        case (.function(let a), .function(let b)): return a === b
        case (.object(let a), .object(let b)): return a === b
        default: return false
        }
    }

    /// Ordering for `< <= > >=`: numbers with numbers, strings with strings.
    func compare(_ other: Value, _ op: BinaryOp, at loc: Loc) throws(Failure) -> Int {
        switch (self, other) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.string(let a), .string(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        default:
            if let a = numberValue, let b = other.numberValue { return a < b ? -1 : (a == b ? 0 : 1) }
            throw .runtime("cannot compare \(kindName) with \(other.kindName) using '\(op.symbol)'", loc)
        }
    }

    var numberValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }
}

/// Decimals print like Groovy's: `1.5`, `2.0`.
func formatDouble(_ value: Double) -> String {
    value.description
}
