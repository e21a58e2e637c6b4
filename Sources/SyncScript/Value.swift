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

    /// Groovy truth: null, false, 0, "", empty list and empty map are false.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .double(let value): return value != 0
        case .string(let value): return !value.isEmpty
        case .list(let list): return !list.items.isEmpty
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

/// A mutable list. Its deinit releases nested containers without recursion.
final class ListBox {
    @exclusivity(unchecked) var items: ContiguousArray<Value>
    init(_ items: ContiguousArray<Value> = []) { self.items = items }
    deinit { releaseIteratively(&items) }
}

/// A mutable map with string keys that remembers insertion order (as
/// Groovy's LinkedHashMap does), so `each`, `keySet` and `values` are stable.
///
/// Most script maps are small (an entity field, a status map), so up to
/// `linearLimit` keys are found by comparing strings, with no hashing and no
/// dictionary; larger maps build `index` once and keep it.
final class MapBox {
    @exclusivity(unchecked) private(set) var keys: ContiguousArray<String> = []
    @exclusivity(unchecked) private(set) var values: ContiguousArray<Value> = []
    @exclusivity(unchecked) private var index: [String: Int]?
    static let linearLimit = 8

    init() {}
    init(minimumCapacity: Int) {
        keys.reserveCapacity(minimumCapacity)
        values.reserveCapacity(minimumCapacity)
    }

    var count: Int { keys.count }

    @inline(__always) private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }

    subscript(key: String) -> Value? {
        guard let position = position(of: key) else { return nil }
        return values[position]
    }

    /// Sets `key`; returns false (and changes nothing) when it is a new key
    /// and the map already holds `limit` entries.
    @discardableResult
    func set(_ key: String, _ value: Value, limit: Int = .max) -> Bool {
        if let position = position(of: key) {
            values[position] = value
            return true
        }
        guard keys.count < limit else { return false }
        if index != nil {
            index![key] = keys.count
        } else if keys.count == Self.linearLimit {
            var built = [String: Int](minimumCapacity: keys.count * 2 + 2)
            for (offset, existing) in keys.enumerated() { built[existing] = offset }
            built[key] = keys.count
            index = built
        }
        keys.append(key)
        values.append(value)
        return true
    }

    func removeAll() {
        keys.removeAll()
        values.removeAll()
        index = nil
    }

    deinit { releaseIteratively(&values) }
}

/// Frees a tree of lists and maps with a loop instead of nested deinits, so a
/// script that builds a 100,000-level chain cannot overflow the stack when it
/// is released. A container whose last owner is the work list gives up its
/// children to the list before it is dropped.
private func releaseIteratively(_ items: inout ContiguousArray<Value>) {
    guard items.contains(where: { if case .list = $0 { return true }; if case .map = $0 { return true }; return false })
    else { return }
    var pending = Array(items)
    items.removeAll()
    while var value = pending.popLast() {
        switch value {
        case .list(var list):
            value = .null
            if isKnownUniquelyReferenced(&list) {
                pending.append(contentsOf: list.items)
                list.items.removeAll()
            }
        case .map(var map):
            value = .null
            if isKnownUniquelyReferenced(&map) { pending.append(contentsOf: map.takeValues()) }
        default:
            break
        }
    }
}

extension MapBox {
    /// Empties the map's values (keeping keys), for iterative release.
    fileprivate func takeValues() -> ContiguousArray<Value> {
        let taken = values
        values = ContiguousArray(repeating: .null, count: values.count)
        return taken
    }
}
