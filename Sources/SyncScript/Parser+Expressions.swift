/// Expression rules, lowest precedence first:
/// assignment → ternary/elvis → `||` → `&&` → `== !=` → `< <= > >= in`
/// → `+ -` → `* / %` → unary `! -` → postfix (`.` `?.` `*.` `[]` `()`) → primary.
extension Parser {
    mutating func expression() throws(Failure) -> Expr {
        try enter()
        defer { nesting -= 1 }
        return try assignment()
    }

    mutating func assignment() throws(Failure) -> Expr {
        let start = current.loc
        let target = try ternary()
        let op: AssignOp
        switch current.kind {
        case .assign: op = .set
        case .plusAssign: op = .add
        case .minusAssign: op = .subtract
        default: return target
        }
        let opLoc = advance().loc
        skipNewlines()
        let value = try expression()
        switch target {
        case .local(let depth, let slot): return .assign(.local(depth: depth, slot: slot), op, value, opLoc)
        case .global(let index, _): return .assign(.global(index), op, value, opLoc)
        case .member(let base, let name, false, _): return .assign(.member(base, name: name), op, value, opLoc)
        case .index(let base, let key, _): return .assign(.index(base, key), op, value, opLoc)
        default: throw .syntax("cannot assign to this expression; assign to a name, a member or an index", start)
        }
    }

    mutating func ternary() throws(Failure) -> Expr {
        let condition = try or()
        continueLine(.question, .elvis)
        if match(.elvis) {
            skipNewlines()
            try enter()
            defer { nesting -= 1 }
            return .elvis(condition, try ternary())
        }
        guard match(.question) else { return condition }
        skipNewlines()
        try enter()
        defer { nesting -= 1 }
        let then = try ternary()
        continueLine(.colon)
        try expect(.colon, "in the ternary 'condition ? a : b'")
        skipNewlines()
        return .ternary(condition, then, try ternary())
    }

    mutating func or() throws(Failure) -> Expr {
        var left = try and()
        let depth = nesting
        defer { nesting = depth }
        while true {
            continueLine(.or)
            guard match(.or) else { return left }
            try enter()
            skipNewlines()
            left = .or(left, try and())
        }
    }

    mutating func and() throws(Failure) -> Expr {
        var left = try equality()
        let depth = nesting
        defer { nesting = depth }
        while true {
            continueLine(.and)
            guard match(.and) else { return left }
            try enter()
            skipNewlines()
            left = .and(left, try equality())
        }
    }

    mutating func equality() throws(Failure) -> Expr {
        var left = try relational()
        let depth = nesting
        defer { nesting = depth }
        while true {
            let op: BinaryOp
            switch current.kind {
            case .equal: op = .equal
            case .notEqual: op = .notEqual
            default: return left
            }
            let loc = advance().loc
            try enter()
            skipNewlines()
            left = .binary(op, left, try relational(), loc)
        }
    }

    mutating func relational() throws(Failure) -> Expr {
        var left = try additive()
        let depth = nesting
        defer { nesting = depth }
        while true {
            let op: BinaryOp
            switch current.kind {
            case .less: op = .less
            case .lessEqual: op = .lessEqual
            case .greater: op = .greater
            case .greaterEqual: op = .greaterEqual
            case .identifier where current.text == "in": op = .isIn
            default: return left
            }
            let loc = advance().loc
            try enter()
            skipNewlines()
            left = .binary(op, left, try additive(), loc)
        }
    }

    mutating func additive() throws(Failure) -> Expr {
        var left = try multiplicative()
        let depth = nesting
        defer { nesting = depth }
        while true {
            let op: BinaryOp
            switch current.kind {
            case .plus: op = .add
            case .minus: op = .subtract
            default: return left
            }
            let loc = advance().loc
            try enter()
            skipNewlines()
            left = .binary(op, left, try multiplicative(), loc)
        }
    }

    mutating func multiplicative() throws(Failure) -> Expr {
        var left = try unary()
        let depth = nesting
        defer { nesting = depth }
        while true {
            let op: BinaryOp
            switch current.kind {
            case .star: op = .multiply
            case .slash: op = .divide
            case .percent: op = .remainder
            default: return left
            }
            let loc = advance().loc
            try enter()
            skipNewlines()
            left = .binary(op, left, try unary(), loc)
        }
    }

    mutating func unary() throws(Failure) -> Expr {
        switch current.kind {
        case .bang:
            position += 1
            try enter()
            defer { nesting -= 1 }
            return .not(try unary())
        case .minus:
            let loc = advance().loc
            try enter()
            defer { nesting -= 1 }
            let operand = try unary()
            switch operand {
            case .int(let value): return .int(-value)
            case .double(let value): return .double(-value)
            default: return .negate(operand, loc)
            }
        default:
            return try postfix()
        }
    }

    mutating func postfix() throws(Failure) -> Expr {
        var value = try primary()
        let depth = nesting
        defer { nesting = depth }
        while true {
            continueLine(.dot, .safeDot, .spreadDot)
            switch current.kind {
            case .dot, .safeDot, .spreadDot:
                let dot = advance()
                try enter()
                let name = try memberName()
                if dot.kind == .spreadDot {
                    value = .spread(value, name: name, dot.loc)
                } else if current.kind == .lparen || (current.kind == .lbrace && !current.atLineStart) {
                    let args = try arguments()
                    value = .method(value, name: name, builtin: Builtin.byName[name], args: args,
                                    safe: dot.kind == .safeDot, dot.loc)
                } else {
                    value = .member(value, name: name, safe: dot.kind == .safeDot, dot.loc)
                }
            case .lbracket:
                let loc = advance().loc
                try enter()
                let key = try expression()
                try expect(.rbracket, "after the index")
                value = .index(value, key, loc)
            case .lparen:
                var loc = current.loc
                if case .global(_, let nameLoc) = value { loc = nameLoc }  // point at the function's name
                try enter()
                value = .call(value, args: try arguments(), loc)
            default:
                return value
            }
        }
    }

    mutating func memberName() throws(Failure) -> String {
        switch current.kind {
        case .identifier, .string: return advance().text
        default: throw .syntax("expected a member name after '.' but found \(current.display)", current.loc)
        }
    }

    /// `(a, b)` and/or a trailing closure `{ … }` on the same line.
    mutating func arguments() throws(Failure) -> [Expr] {
        var args: [Expr] = []
        if match(.lparen) {
            if current.kind != .rparen {
                repeat { args.append(try expression()) } while match(.comma) && current.kind != .rparen
            }
            try expect(.rparen, "after the arguments")
        }
        if current.kind == .lbrace && !current.atLineStart {
            args.append(try closure())
        }
        return args
    }

    mutating func primary() throws(Failure) -> Expr {
        let token = current
        switch token.kind {
        case .int: position += 1; return .int(token.int)
        case .double: position += 1; return .double(token.double)
        case .string: position += 1; return .string(token.text)
        case .stringBegin: return try interpolatedString()
        case .lparen:
            position += 1
            let inner = try expression()
            try expect(.rparen, "to close '('")
            return inner
        case .lbracket: return try listOrMap()
        case .lbrace: return try closure()
        case .identifier:
            switch token.text {
            case "true": position += 1; return .bool(true)
            case "false": position += 1; return .bool(false)
            case "null": position += 1; return .null
            case _ where Self.keywords.contains(token.text):
                throw .syntax("expected an expression but found '\(token.text)'", token.loc)
            default:
                position += 1
                if let (depth, slot) = scope.resolve(token.text) { return .local(depth: depth, slot: slot) }
                return .global(global(token.text), token.loc)
            }
        default:
            throw .syntax("expected an expression but found \(token.display)", token.loc)
        }
    }

    mutating func interpolatedString() throws(Failure) -> Expr {
        let loc = advance().loc
        var parts: [Expr] = []
        while true {
            switch current.kind {
            case .stringText: parts.append(.string(advance().text))
            case .interpBegin:
                position += 1
                parts.append(try expression())
                try expect(.interpEnd, "to close '${'")
            case .stringEnd:
                position += 1
                if parts.isEmpty { return .string("") }
                if parts.count == 1, case .string = parts[0] { return parts[0] }
                return .interpolation(parts, loc)
            default:
                throw .syntax("unterminated string: expected '\"'", current.loc)
            }
        }
    }

    /// `[a, b]`, `[]`, `[key: value, "k": v, (expr): v]`, `[:]`.
    mutating func listOrMap() throws(Failure) -> Expr {
        let loc = advance().loc
        if current.kind == .colon && peek(1).kind == .rbracket {
            position += 2
            return .map(keys: [], values: [], loc)
        }
        if match(.rbracket) { return .list([], loc) }
        var items: [Expr] = []
        var keys: [Expr] = []
        var isMap = false
        repeat {
            if current.kind == .rbracket { break }  // trailing comma
            let key: Expr
            switch current.kind {
            case .identifier where peek(1).kind == .colon && !Self.keywords.contains(current.text):
                key = .string(advance().text)
            case .int where peek(1).kind == .colon:
                key = .string(String(advance().int))
            default:
                key = try expression()
            }
            if items.isEmpty && keys.isEmpty && current.kind == .colon { isMap = true }
            if isMap {
                try expect(.colon, "between a map key and its value")
                keys.append(key)
                items.append(try expression())
            } else {
                items.append(key)
            }
        } while match(.comma)
        try expect(.rbracket, isMap ? "to close the map" : "to close the list")
        return isMap ? .map(keys: keys, values: items, loc) : .list(items, loc)
    }

    /// `{ a, b -> body }`, `{ -> body }` or `{ body }` with the implicit `it`.
    mutating func closure() throws(Failure) -> Expr {
        let loc = try expect(.lbrace, "to start a closure").loc
        try enter()
        defer { nesting -= 1 }
        var parameters: [String] = []
        var scan = position
        while tokens[scan].kind == .newline { scan += 1 }
        var names: [String] = []
        var hasArrow = false
        while true {
            if tokens[scan].kind == .identifier, Self.typeNames.contains(tokens[scan].text),
               tokens[scan + 1].kind == .identifier {
                scan += 1
            }
            if tokens[scan].kind == .arrow { hasArrow = names.isEmpty; break }
            guard tokens[scan].kind == .identifier, !Self.keywords.contains(tokens[scan].text) else { break }
            names.append(tokens[scan].text)
            scan += 1
            if tokens[scan].kind == .arrow { hasArrow = true; break }
            guard tokens[scan].kind == .comma else { break }
            scan += 1
        }
        if hasArrow {
            parameters = names
            position = scan + 1
        } else {
            parameters = ["it"]
        }
        let outer = scope
        scope = Scope(parent: outer, isClosure: true)
        defer { scope = outer }
        for name in parameters where scope.declare(name) == nil {
            throw .syntax("parameter '\(name)' is declared twice", loc)
        }
        let body = try statements(until: .rbrace)
        position += 1
        return .closure(FunctionDecl(name: "closure", parameters: parameters, slotCount: scope.slotCount,
                                     body: body, isClosure: true, loc: loc))
    }
}
