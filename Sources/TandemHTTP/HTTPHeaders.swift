/// An ordered list of header fields with case-insensitive lookup.
///
/// Invariant: fields keep the order they were added in; names keep the
/// spelling they were given (the wire shows them as added). Lookups compare
/// names ASCII-case-insensitively without allocating.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    var fields: [Element]

    public init() { fields = [] }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`; setting replaces every field of that name
    /// (at the place of the first one), nil removes them all.
    public subscript(name: String) -> String? {
        get {
            for field in fields where asciiCaseInsensitiveEqual(field.name, name) { return field.value }
            return nil
        }
        set {
            guard let first = fields.firstIndex(where: { asciiCaseInsensitiveEqual($0.name, name) }) else {
                if let newValue { fields.append((name: name, value: newValue)) }
                return
            }
            fields.removeAll { asciiCaseInsensitiveEqual($0.name, name) }
            if let newValue { fields.insert((name: name, value: newValue), at: first) }
        }
    }

    /// Appends a field, keeping existing ones of the same name (Set-Cookie, Link).
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { asciiCaseInsensitiveEqual($0.name, name) }.map(\.value)
    }

    /// True when at least one field is called `name`.
    public func contains(_ name: String) -> Bool {
        fields.contains { asciiCaseInsensitiveEqual($0.name, name) }
    }

    /// Number of fields (a repeated name counts each time).
    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }
}

/// ASCII-case-insensitive equality of two strings (header names, tokens).
func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
    let au = a.utf8, bu = b.utf8
    guard au.count == bu.count else { return false }
    return au.elementsEqual(bu) { asciiLower($0) == asciiLower($1) }
}

@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 65 && byte <= 90 ? byte | 0x20 : byte
}
