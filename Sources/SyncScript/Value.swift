import TandemJSON

/// A run-time value. Lists and maps are reference types, as in Groovy: a map
/// handed to a closure or stored in two variables is one map.
///
/// Values never leave a run: the host sees `JSON` (see Value+JSON.swift).
enum Value {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case list(ListBox)
    case map(MapBox)
    case closure(Closure)
    case function(FunctionDecl)
    case object(any ScriptObject)

    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .list: return "list"
        case .map: return "map"
        case .closure, .function: return "closure"
        case .object(let object): return object.typeName
        }
    }

    /// True for values that hold references (containers, closures, objects).
    var isReference: Bool {
        switch self {
        case .list, .map, .closure, .function, .object: return true
        default: return false
        }
    }

    /// Groovy truth: null, false, 0, "", empty list and empty map are false.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .double(let value): return value != 0
        case .string(let value): return !value.isEmpty
        case .list(let list): return list.count > 0
        case .map(let map): return map.count > 0
        case .closure, .function, .object: return true
        }
    }
}

/// A closure value: its code and the frame it was created in.
final class Closure {
    let decl: FunctionDecl
    let captured: Frame
    init(decl: FunctionDecl, captured: Frame) {
        self.decl = decl
        self.captured = captured
    }
}

/// The locals of one function, closure or script body.
final class Frame {
    @exclusivity(unchecked) var slots: ContiguousArray<Value>
    let parent: Frame?
    init(slotCount: Int, parent: Frame?) {
        slots = ContiguousArray(repeating: .null, count: slotCount)
        self.parent = parent
    }

    /// Chains of closures holding frames holding closures are released
    /// without recursion too (see releaseIteratively).
    deinit { releaseIteratively(&slots) }
}

/// A host or built-in object with members and methods (the entity view,
/// `NativeObject`).
protocol ScriptObject: AnyObject {
    var typeName: String { get }
    func member(_ name: String, at loc: Loc) throws(Failure) -> Value
    func setMember(_ name: String, _ value: Value, in run: Interpreter, at loc: Loc) throws(Failure)
    func call(_ name: String, _ args: [Value], in run: Interpreter, at loc: Loc) throws(Failure) -> Value
    /// The object as JSON when a script passes it to the host or stores it.
    func json(in run: Interpreter, at loc: Loc) throws(Failure) -> JSON
    /// Gives up the script values the object holds, to break cycles when the
    /// run is released.
    func detachValues() -> [Value]
}
