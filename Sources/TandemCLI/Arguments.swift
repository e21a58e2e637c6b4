/// The arguments after a command's path, consumed as the command asks for them.
///
/// Grammar: `--name value`, `--name=value`, bare `--flag`, and positionals.
/// Everything after `--` is positional. `finish()` fails on anything left over,
/// so every command rejects options it does not know.
public struct Arguments {
    private var items: [String]
    private var consumed: [Bool]

    public init(_ items: [String]) {
        self.items = items
        self.consumed = Array(repeating: false, count: items.count)
    }

    /// True when `--help` or `-h` is among the arguments.
    public var wantsHelp: Bool { items.contains("--help") || items.contains("-h") }

    /// The value of `--name`, or nil when absent; the last one wins.
    public mutating func option(_ name: String) throws -> String? {
        try options(name).last
    }

    /// Every value given for a repeatable option such as `--webhook URL`.
    public mutating func options(_ name: String) throws -> [String] {
        var values: [String] = []
        var index = 0
        while index < items.count {
            defer { index += 1 }
            if consumed[index] || isAfterTerminator(index) { continue }
            let item = items[index]
            if item == name {
                guard index + 1 < items.count, !consumed[index + 1] else {
                    throw CommandError.usage("option \(name) needs a value")
                }
                consumed[index] = true
                consumed[index + 1] = true
                values.append(items[index + 1])
                index += 1
            } else if item.hasPrefix(name + "=") {
                consumed[index] = true
                values.append(String(item.dropFirst(name.count + 1)))
            }
        }
        return values
    }

    /// The value of `--name` parsed as an integer within `range`.
    public mutating func intOption(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let text = try option(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw CommandError.usage("option \(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// True when the bare flag `--name` is present.
    public mutating func flag(_ name: String) -> Bool {
        var found = false
        for index in items.indices where !consumed[index] && !isAfterTerminator(index) && items[index] == name {
            consumed[index] = true
            found = true
        }
        return found
    }

    /// The next positional argument, or nil when there is none.
    public mutating func positional() -> String? {
        for index in items.indices where !consumed[index] {
            let item = items[index]
            if item == "--" { consumed[index] = true; continue }
            if item.hasPrefix("-") && item.count > 1 && !isAfterTerminator(index) { continue }
            consumed[index] = true
            return item
        }
        return nil
    }

    /// The next positional argument, or a usage error naming what was expected.
    public mutating func requiredPositional(_ what: String) throws -> String {
        guard let value = positional() else { throw CommandError.usage("missing \(what)") }
        return value
    }

    /// Fails on the first argument nobody asked for.
    public func finish() throws {
        for index in items.indices where !consumed[index] && items[index] != "--" {
            let item = items[index]
            if item.hasPrefix("-") && !isAfterTerminator(index) {
                throw CommandError.usage("unknown option '\(item)'")
            }
            throw CommandError.usage("unexpected argument '\(item)'")
        }
    }

    private func isAfterTerminator(_ index: Int) -> Bool {
        guard let terminator = items.firstIndex(of: "--") else { return false }
        return index > terminator
    }
}
