/// Finding names a script reads that nothing defines, before it runs: a
/// misspelled `priortyMap` is reported at its `file:line:column` when the
/// configuration is checked, not when the first entity fails.
extension Script {
    /// One `.syntax` error per name the script reads that is neither in
    /// `bindings` (what the host binds), nor a function of the script, nor
    /// assigned anywhere in it; at the name's first read, in source order.
    public func unknownNames(bindings: Set<String>) -> [ScriptError] {
        var walker = NameUseWalker()
        walker.statements(program.body)
        for function in program.functions { walker.statements(function.decl.body) }
        let functions = Set(program.functions.map(\.index))
        var reported: [(Loc, Int)] = []
        for (index, loc) in walker.firstRead.sorted(by: { ($0.value.line, $0.value.column) < ($1.value.line, $1.value.column) }) {
            let name = program.globalNames[index]
            if bindings.contains(name) || functions.contains(index) || walker.assigned.contains(index) { continue }
            reported.append((loc, index))
        }
        return reported.map { loc, index in
            Failure.syntax("unknown name '\(program.globalNames[index])': not bound by the node, not defined in the script", loc)
                .scriptError(file: file, source: source)
        }
    }
}

/// Collects, over a syntax tree, each global's first read and the globals
/// assigned anywhere.
private struct NameUseWalker {
    var firstRead: [Int: Loc] = [:]
    var assigned: Set<Int> = []

    mutating func statements(_ body: [Stmt]) { body.forEach { statement($0) } }

    mutating func statement(_ statement: Stmt) {
        switch statement {
        case .expr(let expr, _): expression(expr)
        case .declare(_, let value, _): value.map { expression($0) }
        case .ifChain(let conditions, let bodies, let otherwise, _):
            conditions.forEach { expression($0) }
            bodies.forEach { statements($0) }
            otherwise.map { statements($0) }
        case .forIn(_, let sequence, let body, _):
            expression(sequence)
            statements(body)
        case .whileLoop(let condition, let body, _):
            expression(condition)
            statements(body)
        case .returnValue(let value, _): value.map { expression($0) }
        case .breakLoop, .continueLoop: break
        }
    }

    mutating func expression(_ expr: Expr) {
        switch expr {
        case .null, .bool, .int, .double, .string, .local: break
        case .global(let index, let loc):
            if firstRead[index] == nil { firstRead[index] = loc }
        case .interpolation(let parts, _), .list(let parts, _): parts.forEach { expression($0) }
        case .map(let keys, let values, _):
            keys.forEach { expression($0) }
            values.forEach { expression($0) }
        case .member(let base, _, _, _), .spread(let base, _, _), .not(let base), .negate(let base, _): expression(base)
        case .index(let base, let key, _), .binary(_, let base, let key, _), .and(let base, let key), .or(let base, let key),
             .elvis(let base, let key):
            expression(base)
            expression(key)
        case .call(let callee, let args, _):
            expression(callee)
            args.forEach { expression($0) }
        case .method(let base, _, _, let args, _, _):
            expression(base)
            args.forEach { expression($0) }
        case .ternary(let condition, let then, let otherwise):
            expression(condition)
            expression(then)
            expression(otherwise)
        case .closure(let function): statements(function.body)
        case .assign(let target, _, let value, _):
            switch target {
            case .global(let index): assigned.insert(index)
            case .local: break
            case .member(let base, _): expression(base)
            case .index(let base, let key):
                expression(base)
                expression(key)
            }
            expression(value)
        }
    }
}
