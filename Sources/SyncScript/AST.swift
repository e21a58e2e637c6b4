/// The syntax tree the parser builds once per script and the interpreter walks
/// on every run. Immutable and `Sendable`: one parsed `Script` serves many
/// concurrent runs.
///
/// Names are resolved at parse time: a local is a (frame depth, slot) pair, a
/// name no enclosing scope declares is an index into the run's globals (the
/// host's bindings and the script's functions). Method names are resolved to
/// a `Builtin` where one exists, so calls do not compare strings.
indirect enum Expr: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case interpolation([Expr], Loc)
    case local(depth: Int, slot: Int)
    case global(Int, Loc)
    case list([Expr], Loc)
    case map(keys: [Expr], values: [Expr], Loc)
    case member(Expr, name: String, safe: Bool, Loc)
    case spread(Expr, name: String, Loc)
    case index(Expr, Expr, Loc)
    case call(Expr, args: [Expr], Loc)
    case method(Expr, name: String, builtin: Builtin?, args: [Expr], safe: Bool, Loc)
    case not(Expr)
    case negate(Expr, Loc)
    case binary(BinaryOp, Expr, Expr, Loc)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case ternary(Expr, Expr, Expr)
    case elvis(Expr, Expr)
    case closure(FunctionDecl)
    case assign(Target, AssignOp, Expr, Loc)
}

/// What an assignment writes to.
indirect enum Target: Sendable {
    case local(depth: Int, slot: Int)
    case global(Int)
    case member(Expr, name: String)
    case index(Expr, Expr)
}

enum AssignOp: Sendable { case set, add, subtract }

enum BinaryOp: Sendable {
    case add, subtract, multiply, divide, remainder
    case equal, notEqual, less, lessEqual, greater, greaterEqual, isIn

    var symbol: String {
        switch self {
        case .add: return "+"
        case .subtract: return "-"
        case .multiply: return "*"
        case .divide: return "/"
        case .remainder: return "%"
        case .equal: return "=="
        case .notEqual: return "!="
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        case .isIn: return "in"
        }
    }
}

indirect enum Stmt: Sendable {
    case expr(Expr, Loc)
    /// `def x = value` (or a typed declaration); nil value stores null.
    case declare(slot: Int, Expr?, Loc)
    /// `if / else if / else` as one flat chain, so long chains do not nest.
    case ifChain(conditions: [Expr], bodies: [[Stmt]], otherwise: [Stmt]?, Loc)
    case forIn(slot: Int, Expr, [Stmt], Loc)
    case whileLoop(Expr, [Stmt], Loc)
    case returnValue(Expr?, Loc)
    case breakLoop(Loc)
    case continueLoop(Loc)
}

/// A script function (`def name(a, b) { … }`) or a closure (`{ a, b -> … }`).
///
/// Parameters take slots `0..<parameters.count` of the frame; `slotCount`
/// covers every local the body declares. A closure's frame links to the frame
/// it was created in (`captures`); a function's frame links to nothing, as in
/// Groovy, where a script's `def` variables are not visible inside its methods.
final class FunctionDecl: Sendable {
    let name: String
    let parameters: [String]
    let slotCount: Int
    let body: [Stmt]
    let isClosure: Bool
    let loc: Loc

    init(name: String, parameters: [String], slotCount: Int, body: [Stmt], isClosure: Bool, loc: Loc) {
        self.name = name
        self.parameters = parameters
        self.slotCount = slotCount
        self.body = body
        self.isClosure = isClosure
        self.loc = loc
    }
}

/// The built-in methods of lists, maps and strings, resolved at parse time.
enum Builtin: String, Sendable, CaseIterable {
    // collections
    case size, isEmpty, contains, collect, find, findAll, each, any, every, join, first, last
    case keySet, values, get, add, put, containsKey
    // strings
    case toUpperCase, toLowerCase, trim, startsWith, endsWith, replace, split, substring, length
    // any value
    case toString, toInteger

    static let byName: [String: Builtin] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
}
