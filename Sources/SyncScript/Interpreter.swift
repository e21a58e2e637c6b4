import TandemJSON

/// Runs a parsed program once: a tree-walking evaluator over `Program`.
///
/// One `Interpreter` per run, used from one thread. It owns the run's globals
/// (bindings and functions), the current frame, and the budgets of `Limits`.
///
/// Thread: one run, one thread. Hot stored properties here and in Frame,
/// ListBox and MapBox skip the run-time exclusivity check: no access to them
/// spans a call back into the evaluator (values are computed first, then
/// stored), which the debug test suite checked with the checks on.
///
/// Invariants: `steps` only goes down, and every statement, loop iteration,
/// call and element a collection method visits costs one step, so every run
/// ends; `callDepth <= limits.callDepth`; `frame` is restored on every exit
/// from a call, normal or thrown.
final class Interpreter {
    let program: Program
    let limits: Limits
    @exclusivity(unchecked) var globals: ContiguousArray<Value?>
    @exclusivity(unchecked) var frame: Frame
    @exclusivity(unchecked) var steps: Int
    @exclusivity(unchecked) var callDepth = 0
    let stack = StackGuard()
    /// The value of the last expression statement: a function's or closure's
    /// result when it ends without `return`.
    @exclusivity(unchecked) var lastValue: Value = .null
    @exclusivity(unchecked) var returnValue: Value = .null
    /// Frames a closure captured: a closure stored in its own frame (`def f =
    /// { … }`) is a reference cycle, broken when the run is released.
    @exclusivity(unchecked) var capturedFrames: [Frame] = []
    /// Set when a store may have closed a reference cycle (see noteStore).
    @exclusivity(unchecked) var mayHaveCycles = false
    /// Containers and objects stored into after `mayHaveCycles` was set.
    @exclusivity(unchecked) var suspects: [AnyObject] = []

    enum Flow { case normal, returned, broke, continued }

    init(program: Program, limits: Limits) {
        self.program = program
        self.limits = limits
        globals = ContiguousArray(repeating: nil, count: program.globalNames.count)
        frame = Frame(slotCount: program.slotCount, parent: nil)
        steps = limits.steps
    }

    deinit { releaseCycles() }

    func run() throws(Failure) {
        for (index, decl) in program.functions { globals[index] = .function(decl) }
        _ = try exec(program.body)
    }

    @inline(__always) func step(_ loc: Loc) throws(Failure) {
        steps &-= 1
        if steps < 0 {
            throw .limit("step limit of \(limits.steps) reached; the script runs too long (an endless loop?)", loc)
        }
    }

    // MARK: - Statements

    func exec(_ statements: [Stmt]) throws(Failure) -> Flow {
        for statement in statements {
            switch statement {
            case .expr(let expr, let loc):
                try step(loc)
                lastValue = try eval(expr)
            case .declare(let slot, let value, let loc):
                try step(loc)
                lastValue = .null
                let initial = try value.map { (expr) throws(Failure) in try eval(expr) } ?? .null
                noteStore(initial, into: nil)
                frame.slots[slot] = initial
            case .ifChain(let conditions, let bodies, let otherwise, let loc):
                try step(loc)
                lastValue = .null
                var taken = false
                for offset in conditions.indices where try eval(conditions[offset]).isTruthy {
                    taken = true
                    let flow = try exec(bodies[offset])
                    if flow != .normal { return flow }
                    break
                }
                if !taken, let otherwise {
                    let flow = try exec(otherwise)
                    if flow != .normal { return flow }
                }
            case .forIn(let slot, let sequence, let body, let loc):
                try step(loc)
                let items = try iterationItems(try eval(sequence), at: loc)
                for item in items {
                    try step(loc)
                    frame.slots[slot] = item
                    let flow = try exec(body)
                    if flow == .broke { break }
                    if flow == .returned { return flow }
                }
                lastValue = .null
            case .whileLoop(let test, let body, let loc):
                while true {
                    try step(loc)
                    guard try eval(test).isTruthy else { break }
                    let flow = try exec(body)
                    if flow == .broke { break }
                    if flow == .returned { return flow }
                }
                lastValue = .null
            case .returnValue(let value, let loc):
                try step(loc)
                returnValue = try value.map { (expr) throws(Failure) in try eval(expr) } ?? .null
                return .returned
            case .breakLoop:
                return .broke
            case .continueLoop:
                return .continued
            }
        }
        return .normal
    }

    /// What `for (x in value)` visits: list elements, map entries
    /// (`[key:, value:]` maps), a string's characters; nothing for null.
    func iterationItems(_ value: Value, at loc: Loc) throws(Failure) -> ContiguousArray<Value> {
        switch value {
        case .null: return []
        case .list(let list): return list.items
        case .map(let map): return ContiguousArray(map.keys.indices.map { entry(map, $0) })
        case .string(let text): return ContiguousArray(text.map { .string(String($0)) })
        default: throw .runtime("cannot iterate over a \(value.kindName)", loc)
        }
    }

    func entry(_ map: MapBox, _ offset: Int) -> Value {
        let entry = MapBox(minimumCapacity: 2)
        entry.set("key", .string(map.keys[offset]))
        entry.set("value", map.values[offset])
        return .map(entry)
    }

    // MARK: - Expressions

    func eval(_ expr: Expr) throws(Failure) -> Value {
        switch expr {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .double(let value): return .double(value)
        case .string(let value): return .string(value)
        case .interpolation(let parts, let loc):
            var text = ""
            for part in parts {
                text += try eval(part).text(limit: limits.stringLength, at: loc)
                if text.utf8.count > limits.stringLength {
                    throw .limit("string longer than the limit of \(limits.stringLength) bytes", loc)
                }
            }
            try chargeBytes(text.utf8.count, loc)
            return .string(text)
        case .local(let depth, let slot):
            if depth == 0 { return frame.slots[slot] }
            var target = frame
            for _ in 0..<depth { target = target.parent! }
            return target.slots[slot]
        case .global(let index, let loc):
            guard let value = globals[index] else {
                throw .runtime("unknown name '\(program.globalNames[index])'", loc)
            }
            return value
        case .list(let items, let loc):
            try checkSize(items.count, loc)
            var values = ContiguousArray<Value>()
            values.reserveCapacity(items.count)
            for item in items { values.append(try eval(item)) }
            return .list(ListBox(values))
        case .map(let keys, let values, let loc):
            try checkSize(keys.count, loc)
            let map = MapBox(minimumCapacity: keys.count)
            for offset in keys.indices {
                map.set(try key(try eval(keys[offset]), at: loc), try eval(values[offset]))
            }
            return .map(map)
        case .member(let base, let name, let safe, let loc):
            let value = try eval(base)
            if safe, case .null = value { return .null }
            return try member(of: value, name, at: loc)
        case .spread(let base, let name, let loc):
            let value = try eval(base)
            if case .null = value { return .null }
            guard case .list = value else {
                throw .runtime("'*.' needs a list but got \(value.kindName)", loc)
            }
            return try member(of: value, name, at: loc)
        case .index(let base, let key, let loc):
            return try index(try eval(base), try eval(key), at: loc)
        case .call(let callee, let args, let loc):
            let function: Value
            if case .global(let index, _) = callee {
                guard let value = globals[index] else {
                    throw .runtime("unknown function '\(program.globalNames[index])'", loc)
                }
                function = value
            } else {
                function = try eval(callee)
            }
            return try call(function, try evalArgs(args), at: loc)
        case .method(let receiver, let name, let builtin, let args, let safe, let loc):
            let value = try eval(receiver)
            if safe, case .null = value { return .null }
            return try callMethod(on: value, name, builtin, try evalArgs(args), at: loc)
        case .not(let operand):
            return .bool(!(try eval(operand).isTruthy))
        case .negate(let operand, let loc):
            switch try eval(operand) {
            case .int(let value):
                guard value != .min else { throw .runtime("integer overflow in '-'", loc) }
                return .int(-value)
            case .double(let value): return .double(-value)
            case let other: throw .runtime("cannot negate a \(other.kindName)", loc)
            }
        case .binary(let op, let left, let right, let loc):
            return try binary(op, try eval(left), try eval(right), at: loc)
        case .and(let left, let right):
            guard try eval(left).isTruthy else { return .bool(false) }
            return .bool(try eval(right).isTruthy)
        case .or(let left, let right):
            if try eval(left).isTruthy { return .bool(true) }
            return .bool(try eval(right).isTruthy)
        case .ternary(let condition, let then, let otherwise):
            return try eval(condition).isTruthy ? try eval(then) : try eval(otherwise)
        case .elvis(let value, let fallback):
            let first = try eval(value)
            return first.isTruthy ? first : try eval(fallback)
        case .closure(let decl):
            if capturedFrames.last !== frame { capturedFrames.append(frame) }
            return .closure(Closure(decl: decl, captured: frame))
        case .assign(let target, let op, let value, let loc):
            return try assign(target, op, try eval(value), at: loc)
        }
    }

    @inline(__always) func evalArgs(_ args: [Expr]) throws(Failure) -> [Value] {
        if args.isEmpty { return [] }
        var values: [Value] = []
        values.reserveCapacity(args.count)
        for arg in args { values.append(try eval(arg)) }
        return values
    }

    /// Building big values costs steps in proportion to their size (a step
    /// per 64 bytes of string, per 4 elements copied), so the step budget also
    /// bounds a run's time and memory when it builds large strings or lists.
    @inline(__always) func chargeBytes(_ count: Int, _ loc: Loc) throws(Failure) {
        steps &-= count >> 6
        try step(loc)
    }

    @inline(__always) func chargeElements(_ count: Int, _ loc: Loc) throws(Failure) {
        steps &-= count >> 2
        try step(loc)
    }

    @inline(__always) func checkSize(_ count: Int, _ loc: Loc) throws(Failure) {
        if count > limits.collectionSize {
            throw .limit("collection larger than the limit of \(limits.collectionSize) elements", loc)
        }
    }

    @inline(__always) func checkLength(_ text: String, _ loc: Loc) throws(Failure) {
        if text.utf8.count > limits.stringLength {
            throw .limit("string longer than the limit of \(limits.stringLength) bytes", loc)
        }
    }

    /// A map key: strings as they are, anything else by its text.
    func key(_ value: Value, at loc: Loc) throws(Failure) -> String {
        if case .string(let text) = value { return text }
        return try value.text(limit: limits.stringLength, at: loc)
    }

    // MARK: - Calls

    func call(_ callee: Value, _ args: [Value], at loc: Loc) throws(Failure) -> Value {
        switch callee {
        case .closure(let closure): return try invoke(closure.decl, args, parent: closure.captured, at: loc)
        case .function(let decl): return try invoke(decl, args, parent: nil, at: loc)
        case .object(let object): return try object.call("call", args, in: self, at: loc)
        default: throw .runtime("a \(callee.kindName) cannot be called", loc)
        }
    }

    /// Runs a function or closure body in a new frame.
    func invoke(_ decl: FunctionDecl, _ args: [Value], parent: Frame?, at loc: Loc) throws(Failure) -> Value {
        let parameterCount = decl.parameters.count
        if args.count != parameterCount && (!decl.isClosure || args.count > parameterCount) {
            let what = decl.isClosure ? "closure" : "function '\(decl.name)'"
            throw .runtime("\(what) takes \(parameterCount) argument\(parameterCount == 1 ? "" : "s") but got \(args.count)", loc)
        }
        return try enter(decl, parent: parent, at: loc) { callee in
            for offset in args.indices { callee.slots[offset] = args[offset] }
        }
    }

    /// Runs `decl`'s body in a new frame that `bind` fills with arguments.
    @inline(__always)
    private func enter(_ decl: FunctionDecl, parent: Frame?, at loc: Loc,
                       _ bind: (Frame) -> Void) throws(Failure) -> Value {
        try step(loc)
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > limits.callDepth {
            throw .limit("call depth limit of \(limits.callDepth) reached (endless recursion?)", loc)
        }
        guard stack.hasRoom else { throw .limit("call depth too large for the native stack (endless recursion?)", loc) }
        let callee = Frame(slotCount: decl.slotCount, parent: parent)
        bind(callee)
        let caller = frame
        frame = callee
        defer { frame = caller }
        lastValue = .null
        switch try exec(decl.body) {
        case .returned: return returnValue
        default: return lastValue
        }
    }

    /// Calls a closure argument of a collection method with one or two values.
    func callBlock(_ block: Value, _ first: Value, _ second: Value? = nil, at loc: Loc) throws(Failure) -> Value {
        if let second { return try call(block, [first, second], at: loc) }
        guard case .closure(let closure) = block, closure.decl.parameters.count == 1 else {
            return try call(block, [first], at: loc)
        }
        // The common case (`collect { c -> … }`), without an argument array.
        return try enter(closure.decl, parent: closure.captured, at: loc) { $0.slots[0] = first }
    }
}
