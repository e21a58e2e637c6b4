/// The built-in methods of lists, maps and strings. Each element a method
/// visits costs a step; each result is checked against the size limits.
extension Interpreter {
    func callMethod(on value: Value, _ name: String, _ builtin: Builtin?, _ args: [Value],
                    at loc: Loc) throws(Failure) -> Value {
        switch value {
        case .object(let object):
            return try object.call(name, args, in: self, at: loc)
        case .map(let map):
            if let builtin, let result = try mapMethod(map, builtin, args, at: loc) { return result }
            if let stored = map[name] {
                switch stored {
                case .closure, .function, .object: return try call(stored, args, at: loc)
                default: break
                }
            }
        case .list(let list):
            if let builtin, let result = try listMethod(list, builtin, args, at: loc) { return result }
        case .string(let text):
            if let builtin, let result = try stringMethod(text, builtin, args, at: loc) { return result }
        case .closure, .function:
            if name == "call" { return try call(value, args, at: loc) }
        default:
            break
        }
        switch builtin {
        case .toString?:
            try arity(args, 0, name, loc)
            let text = try value.text(limit: limits.stringLength, at: loc)
            try chargeBytes(text.utf8.count, loc)
            return .string(text)
        case .toInteger?:
            try arity(args, 0, name, loc)
            return try toInteger(value, at: loc)
        default:
            if case .null = value { throw .runtime("cannot call '\(name)()' on null", loc) }
            throw .runtime("\(value.kindName) has no method '\(name)'", loc)
        }
    }

    func arity(_ args: [Value], _ count: ClosedRange<Int>, _ name: String, _ loc: Loc) throws(Failure) {
        guard count.contains(args.count) else {
            let expected = count.lowerBound == count.upperBound ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)"
            throw .runtime("\(name)() takes \(expected) argument\(count.upperBound == 1 ? "" : "s") but got \(args.count)", loc)
        }
    }

    func arity(_ args: [Value], _ count: Int, _ name: String, _ loc: Loc) throws(Failure) {
        try arity(args, count...count, name, loc)
    }

    /// The closure argument of `collect`, `find`…, or nil for none.
    func block(_ args: [Value], _ name: String, _ loc: Loc) throws(Failure) -> Value? {
        try arity(args, 0...1, name, loc)
        guard let first = args.first else { return nil }
        switch first {
        case .closure, .function, .object: return first
        default: throw .runtime("\(name)() takes a closure, not a \(first.kindName)", loc)
        }
    }

    func listMethod(_ list: ListBox, _ builtin: Builtin, _ args: [Value], at loc: Loc) throws(Failure) -> Value? {
        let name = builtin.rawValue
        switch builtin {
        case .size:
            try arity(args, 0, name, loc)
            return .int(Int64(list.count))
        case .isEmpty:
            try arity(args, 0, name, loc)
            return .bool(list.count == 0)
        case .contains:
            try arity(args, 1, name, loc)
            return .bool(try contains(.list(list), args[0], at: loc))
        case .collect:
            let transform = try block(args, name, loc)
            var values = ContiguousArray<Value>()
            values.reserveCapacity(list.items.count)
            for item in list.items {
                try step(loc)
                values.append(try transform.map { (block) throws(Failure) in try callBlock(block, item, at: loc) } ?? item)
            }
            return .list(ListBox(values))
        case .find, .findAll, .any, .every:
            let test = try block(args, name, loc)
            var kept = ContiguousArray<Value>()
            for item in list.items {
                try step(loc)
                let passes = try (test.map { (block) throws(Failure) in try callBlock(block, item, at: loc) } ?? item).isTruthy
                switch builtin {
                case .find where passes: return item
                case .any where passes: return .bool(true)
                case .every where !passes: return .bool(false)
                case .findAll where passes: kept.append(item)
                default: break
                }
            }
            switch builtin {
            case .find: return .null
            case .any: return .bool(false)
            case .every: return .bool(true)
            default: return .list(ListBox(kept))
            }
        case .each:
            guard let body = try block(args, name, loc) else { throw .runtime("each() needs a closure", loc) }
            for item in list.items {
                try step(loc)
                _ = try callBlock(body, item, at: loc)
            }
            return .list(list)
        case .join:
            try arity(args, 0...1, name, loc)
            let separator = try args.first.map { (value) throws(Failure) in try value.text(limit: limits.stringLength, at: loc) } ?? ""
            var text = ""
            for (offset, item) in list.items.enumerated() {
                try step(loc)
                if offset > 0 { text += separator }
                text += try item.text(limit: limits.stringLength, at: loc)
                try checkLength(text, loc)
            }
            try chargeBytes(text.utf8.count, loc)
            return .string(text)
        case .first, .last:
            try arity(args, 0, name, loc)
            guard let item = builtin == .first ? list.items.first : list.items.last else {
                throw .runtime("\(name)() of an empty list", loc)
            }
            return item
        case .get:
            try arity(args, 1, name, loc)
            guard case .int(let position) = args[0] else {
                throw .runtime("get() of a list takes a number, not a \(args[0].kindName)", loc)
            }
            guard position >= 0 && position < list.items.count else {
                throw .runtime("index \(position) is outside the list (size \(list.items.count))", loc)
            }
            return list.items[Int(position)]
        case .add:
            try arity(args, 1, name, loc)
            try checkSize(list.items.count + 1, loc)
            noteStore(args[0], into: list)
            list.items.append(args[0])
            return .bool(true)
        default:
            return nil
        }
    }

    func mapMethod(_ map: MapBox, _ builtin: Builtin, _ args: [Value], at loc: Loc) throws(Failure) -> Value? {
        let name = builtin.rawValue
        switch builtin {
        case .size:
            try arity(args, 0, name, loc)
            return .int(Int64(map.count))
        case .isEmpty:
            try arity(args, 0, name, loc)
            return .bool(map.count == 0)
        case .containsKey, .contains:
            try arity(args, 1, name, loc)
            return .bool(map[try key(args[0], at: loc)] != nil)
        case .get:
            try arity(args, 1...2, name, loc)
            return map[try key(args[0], at: loc)] ?? (args.count == 2 ? args[1] : .null)
        case .put:
            try arity(args, 2, name, loc)
            let name = try key(args[0], at: loc)
            let previous = map[name] ?? .null
            noteStore(args[1], into: map)
            guard map.set(name, args[1], limit: limits.collectionSize) else { try checkSize(.max, loc); return nil }
            return previous
        case .keySet:
            try arity(args, 0, name, loc)
            try chargeElements(map.count, loc)
            return .list(ListBox(ContiguousArray(map.keys.map { Value.string($0) })))
        case .values:
            try arity(args, 0, name, loc)
            try chargeElements(map.count, loc)
            return .list(ListBox(map.values))
        case .each, .collect, .find, .findAll, .any, .every:
            return try mapIteration(map, builtin, args, at: loc)
        default:
            return nil
        }
    }

    /// Map iteration: a two-parameter closure gets (key, value), any other
    /// gets the entry `[key:, value:]`.
    private func mapIteration(_ map: MapBox, _ builtin: Builtin, _ args: [Value], at loc: Loc) throws(Failure) -> Value {
        let name = builtin.rawValue
        guard let body = try block(args, name, loc) else {
            throw .runtime("\(name)() of a map needs a closure", loc)
        }
        var pairs = false
        if case .closure(let closure) = body { pairs = closure.decl.parameters.count == 2 }
        var collected = ContiguousArray<Value>()
        let kept = MapBox()
        for offset in map.keys.indices {
            try step(loc)
            let result = pairs
                ? try callBlock(body, .string(map.keys[offset]), map.values[offset], at: loc)
                : try callBlock(body, entry(map, offset), at: loc)
            switch builtin {
            case .collect: collected.append(result)
            case .find where result.isTruthy: return entry(map, offset)
            case .findAll where result.isTruthy: kept.set(map.keys[offset], map.values[offset])
            case .any where result.isTruthy: return .bool(true)
            case .every where !result.isTruthy: return .bool(false)
            default: break
            }
        }
        switch builtin {
        case .each: return .map(map)
        case .collect: return .list(ListBox(collected))
        case .find: return .null
        case .findAll: return .map(kept)
        case .any: return .bool(false)
        default: return .bool(true)
        }
    }

    func stringMethod(_ text: String, _ builtin: Builtin, _ args: [Value], at loc: Loc) throws(Failure) -> Value? {
        let name = builtin.rawValue
        func stringArgument(_ offset: Int) throws(Failure) -> String {
            guard case .string(let value) = args[offset] else {
                throw .runtime("\(name)() takes a string, not a \(args[offset].kindName)", loc)
            }
            return value
        }
        switch builtin {
        case .length, .size:
            try arity(args, 0, name, loc)
            return .int(Int64(text.count))
        case .isEmpty:
            try arity(args, 0, name, loc)
            return .bool(text.isEmpty)
        case .toUpperCase:
            try arity(args, 0, name, loc)
            try chargeBytes(text.utf8.count, loc)
            return .string(text.uppercased())
        case .toLowerCase:
            try arity(args, 0, name, loc)
            try chargeBytes(text.utf8.count, loc)
            return .string(text.lowercased())
        case .trim:
            try arity(args, 0, name, loc)
            let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
            let end = text.lastIndex { !$0.isWhitespace }.map { text.index(after: $0) } ?? start
            return .string(start < end ? String(text[start..<end]) : "")
        case .contains:
            try arity(args, 1, name, loc)
            return .bool(text.contains(try stringArgument(0)))
        case .startsWith:
            try arity(args, 1, name, loc)
            return .bool(text.hasPrefix(try stringArgument(0)))
        case .endsWith:
            try arity(args, 1, name, loc)
            return .bool(text.hasSuffix(try stringArgument(0)))
        case .replace:
            try arity(args, 2, name, loc)
            let target = try stringArgument(0)
            let replacement = try stringArgument(1)
            guard !target.isEmpty else { throw .runtime("replace() needs a non-empty text to find", loc) }
            let matches = text.ranges(of: target).count
            let length = text.utf8.count + matches * (replacement.utf8.count - target.utf8.count)
            if length > limits.stringLength {
                throw .limit("string longer than the limit of \(limits.stringLength) bytes", loc)
            }
            try chargeBytes(length, loc)
            return .string(text.replacing(target, with: replacement))
        case .split:
            try arity(args, 0...1, name, loc)
            var parts: [Substring]
            if args.isEmpty {
                parts = text.split(whereSeparator: { $0.isWhitespace })
            } else {
                let separator = try stringArgument(0)
                parts = separator.isEmpty
                    ? text.map { Substring(String($0)) }
                    : text.split(separator: separator, omittingEmptySubsequences: false)
                while parts.last?.isEmpty == true { parts.removeLast() }  // as Java's split does
            }
            try checkSize(parts.count, loc)
            try chargeElements(parts.count, loc)
            return .list(ListBox(ContiguousArray(parts.map { Value.string(String($0)) })))
        case .substring:
            try arity(args, 1...2, name, loc)
            let count = text.count
            guard case .int(let start) = args[0], args.count == 1 || args[1].numberValue != nil else {
                throw .runtime("substring() takes numbers", loc)
            }
            var end = Int64(count)
            if args.count == 2, case .int(let value) = args[1] { end = value }
            guard start >= 0, start <= end, end <= count else {
                throw .runtime("substring(\(start), \(end)) is outside the string (length \(count))", loc)
            }
            let from = text.index(text.startIndex, offsetBy: Int(start))
            let to = text.index(from, offsetBy: Int(end - start))
            return .string(String(text[from..<to]))
        default:
            return nil
        }
    }

    func toInteger(_ value: Value, at loc: Loc) throws(Failure) -> Value {
        switch value {
        case .int: return value
        case .double(let number):
            guard let integer = Int64(exactly: number.rounded(.towardZero)) else {
                throw .runtime("\(number) is not a whole number in range", loc)
            }
            return .int(integer)
        case .string(let text):
            let trimmed = text.filter { !$0.isWhitespace }
            guard let integer = Int64(trimmed) else { throw .runtime("'\(text)' is not a whole number", loc) }
            return .int(integer)
        case .bool(let flag): return .int(flag ? 1 : 0)
        default: throw .runtime("cannot convert a \(value.kindName) to a number", loc)
        }
    }
}
