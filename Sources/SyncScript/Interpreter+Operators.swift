/// Operators, member access, indexing and assignment.
extension Interpreter {
    func binary(_ op: BinaryOp, _ left: Value, _ right: Value, at loc: Loc) throws(Failure) -> Value {
        switch op {
        case .add: return try add(left, right, at: loc)
        case .subtract: return try subtract(left, right, at: loc)
        case .multiply: return try multiply(left, right, at: loc)
        case .divide, .remainder: return try divide(op, left, right, at: loc)
        case .equal: try chargeComparison(left, right, loc); return .bool(try left.equals(right, at: loc))
        case .notEqual: try chargeComparison(left, right, loc); return .bool(!(try left.equals(right, at: loc)))
        case .less: return .bool(try left.compare(right, op, at: loc) < 0)
        case .lessEqual: return .bool(try left.compare(right, op, at: loc) <= 0)
        case .greater: return .bool(try left.compare(right, op, at: loc) > 0)
        case .greaterEqual: return .bool(try left.compare(right, op, at: loc) >= 0)
        case .isIn: return .bool(try contains(right, left, at: loc))
        }
    }

    /// Comparing two big lists or maps costs steps like copying them.
    @inline(__always) private func chargeComparison(_ left: Value, _ right: Value, _ loc: Loc) throws(Failure) {
        switch (left, right) {
        case (.list(let a), .list(let b)): try chargeElements(min(a.items.count, b.items.count), loc)
        case (.map(let a), .map(let b)): try chargeElements(min(a.count, b.count), loc)
        default: break
        }
    }

    func add(_ left: Value, _ right: Value, at loc: Loc) throws(Failure) -> Value {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            let (sum, overflow) = a.addingReportingOverflow(b)
            if overflow { throw .runtime("integer overflow in '+'", loc) }
            return .int(sum)
        case (.string(let a), _):
            let text = a + (try right.text(limit: limits.stringLength, at: loc))
            try checkLength(text, loc)
            try chargeBytes(text.utf8.count, loc)
            return .string(text)
        case (.list(let a), .list(let b)):
            try checkSize(a.items.count + b.items.count, loc)
            try chargeElements(a.items.count + b.items.count, loc)
            return .list(ListBox(a.items + b.items))
        case (.list(let a), _):
            try checkSize(a.items.count + 1, loc)
            try chargeElements(a.items.count + 1, loc)
            var items = a.items
            items.append(right)
            return .list(ListBox(items))
        case (.map(let a), .map(let b)):
            try chargeElements(a.count + b.count, loc)
            let merged = MapBox(minimumCapacity: a.count + b.count)
            for (offset, key) in a.keys.enumerated() { merged.set(key, a.values[offset]) }
            for (offset, key) in b.keys.enumerated() {
                guard merged.set(key, b.values[offset], limit: limits.collectionSize) else { try checkSize(.max, loc); break }
            }
            return .map(merged)
        case (_, .string(let b)):
            let text = (try left.text(limit: limits.stringLength, at: loc)) + b
            try checkLength(text, loc)
            try chargeBytes(text.utf8.count, loc)
            return .string(text)
        default:
            if let a = left.numberValue, let b = right.numberValue { return .double(a + b) }
            throw .runtime("cannot add \(right.kindName) to \(left.kindName)", loc)
        }
    }

    func subtract(_ left: Value, _ right: Value, at loc: Loc) throws(Failure) -> Value {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            let (difference, overflow) = a.subtractingReportingOverflow(b)
            if overflow { throw .runtime("integer overflow in '-'", loc) }
            return .int(difference)
        case (.list(let a), _):
            let removed: ContiguousArray<Value>
            if case .list(let b) = right { removed = b.items } else { removed = [right] }
            var kept = ContiguousArray<Value>()
            for item in a.items {
                try step(loc)
                var found = false
                for candidate in removed where try item.equals(candidate, at: loc) { found = true; break }
                if !found { kept.append(item) }
            }
            return .list(ListBox(kept))
        default:
            if let a = left.numberValue, let b = right.numberValue { return .double(a - b) }
            throw .runtime("cannot subtract \(right.kindName) from \(left.kindName)", loc)
        }
    }

    func multiply(_ left: Value, _ right: Value, at loc: Loc) throws(Failure) -> Value {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            if overflow { throw .runtime("integer overflow in '*'", loc) }
            return .int(product)
        case (.string(let text), .int(let count)):
            guard count >= 0 else { throw .runtime("cannot repeat a string a negative number of times", loc) }
            let (total, overflow) = Int64(text.utf8.count).multipliedReportingOverflow(by: count)
            if overflow || total > limits.stringLength {
                throw .limit("string longer than the limit of \(limits.stringLength) bytes", loc)
            }
            try chargeBytes(Int(total), loc)
            return .string(String(repeating: text, count: Int(count)))
        default:
            if let a = left.numberValue, let b = right.numberValue { return .double(a * b) }
            throw .runtime("cannot multiply \(left.kindName) by \(right.kindName)", loc)
        }
    }

    /// `/` gives an integer when the division is exact and a decimal
    /// otherwise (Groovy gives a BigDecimal); `%` is the remainder.
    func divide(_ op: BinaryOp, _ left: Value, _ right: Value, at loc: Loc) throws(Failure) -> Value {
        if case .int(let a) = left, case .int(let b) = right {
            if b == 0 { throw .runtime("division by zero", loc) }
            if a == .min && b == -1 { throw .runtime("integer overflow in '\(op.symbol)'", loc) }
            if op == .remainder { return .int(a % b) }
            return a % b == 0 ? .int(a / b) : .double(Double(a) / Double(b))
        }
        guard let a = left.numberValue, let b = right.numberValue else {
            throw .runtime("cannot divide \(left.kindName) by \(right.kindName)", loc)
        }
        if b == 0 { throw .runtime("division by zero", loc) }
        return .double(op == .remainder ? a.truncatingRemainder(dividingBy: b) : a / b)
    }

    /// `needle in haystack`: list element, map key, or substring.
    func contains(_ haystack: Value, _ needle: Value, at loc: Loc) throws(Failure) -> Bool {
        switch haystack {
        case .null: return false
        case .list(let list):
            for item in list.items {
                try step(loc)
                if try item.equals(needle, at: loc) { return true }
            }
            return false
        case .map(let map): return map[try key(needle, at: loc)] != nil
        case .string(let text):
            guard case .string(let part) = needle else { return false }
            return text.contains(part)
        default: throw .runtime("cannot look inside a \(haystack.kindName) with 'in' or contains()", loc)
        }
    }

    // MARK: - Members and indexes

    func member(of value: Value, _ name: String, at loc: Loc) throws(Failure) -> Value {
        switch value {
        case .map(let map): return map[name] ?? .null
        case .object(let object): return try object.member(name, at: loc)
        case .list(let list):
            // Groovy's implicit spread: `comments.body` is every comment's body.
            var values = ContiguousArray<Value>()
            values.reserveCapacity(list.items.count)
            for item in list.items {
                try step(loc)
                if case .null = item { values.append(.null); continue }
                values.append(try member(of: item, name, at: loc))
            }
            return .list(ListBox(values))
        case .string where Builtin.byName[name] != nil:
            throw .runtime("string has no member '\(name)'; call it as a method: \(name)()", loc)
        default:
            throw .runtime("\(value.kindName) has no member '\(name)'", loc)
        }
    }

    func index(_ base: Value, _ key: Value, at loc: Loc) throws(Failure) -> Value {
        switch (base, key) {
        case (.list(let list), .int(let position)):
            let offset = position < 0 ? Int64(list.items.count) + position : position
            return offset >= 0 && offset < list.items.count ? list.items[Int(offset)] : .null
        case (.string(let text), .int(let position)):
            let count = text.count
            let offset = position < 0 ? Int64(count) + position : position
            guard offset >= 0 && offset < count else {
                throw .runtime("index \(position) is outside the string (length \(count))", loc)
            }
            return .string(String(text[text.index(text.startIndex, offsetBy: Int(offset))]))
        case (.map(let map), _): return map[try self.key(key, at: loc)] ?? .null
        case (.object(let object), .string(let name)): return try object.member(name, at: loc)
        case (.null, _): throw .runtime("cannot index null", loc)
        default: throw .runtime("cannot index a \(base.kindName) with a \(key.kindName)", loc)
        }
    }

    func assign(_ target: Target, _ op: AssignOp, _ value: Value, at loc: Loc) throws(Failure) -> Value {
        switch target {
        case .local(let depth, let slot):
            var owner = frame
            for _ in 0..<depth { owner = owner.parent! }
            let result = try combine(owner.slots[slot], op, value, at: loc)
            noteStore(result, into: nil)
            owner.slots[slot] = result
            return result
        case .global(let index):
            var old = Value.null
            if op != .set {
                guard let current = globals[index] else {
                    throw .runtime("unknown name '\(program.globalNames[index])'", loc)
                }
                old = current
            }
            let result = try combine(old, op, value, at: loc)
            globals[index] = result
            return result
        case .member(let baseExpr, let name):
            let base = try eval(baseExpr)
            let result = op == .set ? value : try combine(try member(of: base, name, at: loc), op, value, at: loc)
            try setMember(of: base, name, result, at: loc)
            return result
        case .index(let baseExpr, let keyExpr):
            let base = try eval(baseExpr)
            let key = try eval(keyExpr)
            let result = op == .set ? value : try combine(try index(base, key, at: loc), op, value, at: loc)
            switch (base, key) {
            case (.list(let list), .int(let position)):
                let offset = position < 0 ? Int64(list.items.count) + position : position
                guard offset >= 0 else { throw .runtime("index \(position) is before the start of the list", loc) }
                try checkSize(Int(clamping: offset) + 1, loc)
                if offset > list.items.count { try chargeElements(Int(offset) - list.items.count, loc) }
                noteStore(result, into: list)
                while list.items.count <= offset { list.items.append(.null) }
                list.items[Int(offset)] = result
            case (.list, _):
                throw .runtime("a list index must be a number, not a \(key.kindName)", loc)
            default:
                try setMember(of: base, try self.key(key, at: loc), result, at: loc)
            }
            return result
        }
    }

    private func combine(_ old: Value, _ op: AssignOp, _ value: Value, at loc: Loc) throws(Failure) -> Value {
        switch op {
        case .set: return value
        case .add: return try add(old, value, at: loc)
        case .subtract: return try subtract(old, value, at: loc)
        }
    }

    func setMember(of base: Value, _ name: String, _ value: Value, at loc: Loc) throws(Failure) {
        switch base {
        case .map(let map):
            noteStore(value, into: map)
            guard map.set(name, value, limit: limits.collectionSize) else { try checkSize(.max, loc); return }
        case .object(let object):
            noteStore(value, into: object)
            try object.setMember(name, value, in: self, at: loc)
        case .null:
            throw .runtime("cannot set member '\(name)' of null", loc)
        default:
            throw .runtime("cannot set member '\(name)' on a \(base.kindName)", loc)
        }
    }
}
