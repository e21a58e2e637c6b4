import TandemJSON

/// A host object a script sees as a value with members and methods, all of
/// them Swift closures over `JSON` (see the API summary in Script.swift).
///
///     let nodeHelper = NativeObject("nodeHelper")
///     nodeHelper.method("getStatus") { args in ["name": args.first ?? .null] }
///     nodeHelper.property("version", get: { .string("1") })
///
/// Thread: used by the one run it is bound into.
public final class NativeObject {
    public let typeName: String
    private var getters: [String: () throws -> JSON] = [:]
    private var setters: [String: (JSON) throws -> Void] = [:]
    private var methods: [String: ([JSON]) throws -> JSON] = [:]

    public init(_ typeName: String) { self.typeName = typeName }

    /// Adds `object.name(args…)`.
    public func method(_ name: String, _ body: @escaping ([JSON]) throws -> JSON) { methods[name] = body }

    /// Adds `object.name` (read) and, with `set`, `object.name = value`.
    public func property(_ name: String, get: @escaping () throws -> JSON, set: ((JSON) throws -> Void)? = nil) {
        getters[name] = get
        setters[name] = set
    }
}

extension NativeObject: ScriptObject {
    func member(_ name: String, at loc: Loc) throws(Failure) -> Value {
        guard let getter = getters[name] else {
            throw .runtime("\(typeName) has no member '\(name)'", loc)
        }
        return Value(try host(loc) { try getter() })
    }

    func setMember(_ name: String, _ value: Value, in run: Interpreter, at loc: Loc) throws(Failure) {
        guard let setter = setters[name] else {
            throw .runtime(getters[name] == nil ? "\(typeName) has no member '\(name)'"
                                                : "\(typeName).\(name) is read-only", loc)
        }
        let json = try value.json(in: run, at: loc)
        _ = try host(loc) { try setter(json); return .null }
    }

    func call(_ name: String, _ args: [Value], in run: Interpreter, at loc: Loc) throws(Failure) -> Value {
        guard let method = methods[name] else {
            throw .runtime(name == "call" ? "\(typeName) cannot be called" : "\(typeName) has no method '\(name)'", loc)
        }
        var converted: [JSON] = []
        converted.reserveCapacity(args.count)
        for arg in args { converted.append(try arg.json(in: run, at: loc)) }
        return Value(try host(loc) { try method(converted) })
    }

    func json(in run: Interpreter, at loc: Loc) throws(Failure) -> JSON {
        throw .runtime("\(typeName) is a host object and cannot be converted to JSON", loc)
    }

    func detachValues() -> [Value] { [] }

    /// Runs host code, turning whatever it throws into a run-time error here.
    private func host(_ loc: Loc, _ body: () throws -> JSON) throws(Failure) -> JSON {
        do {
            return try body()
        } catch {
            throw .runtime(String(describing: error), loc)
        }
    }
}
