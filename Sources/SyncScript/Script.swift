import TandemJSON

// SyncScript embedding API (the whole public surface of this module)
// =================================================================
//
//     let script = try Script(source: text, file: "outgoing.sync")   // parse once
//     // … then, per entity, on any thread:
//     let run = ScriptRun(script)                                     // one run
//     let issue = EntityView(entityJSON, mode: .readOnly)            // or .recording
//     run.bind("issue", issue); run.bind("entity", issue)
//     run.bind("replica", .object([:]))                              // plain JSON value
//     let log = NativeObject("log")                                  // host object
//     log.method("info") { args in …; return .null }
//     run.bind("log", log)
//     run.bind("now", function: { _ in .string(clock()) })           // host function
//     try run.run()                                                   // throws ScriptError
//     let replica = try run.value("replica")                         // JSON, read back
//     let changes = issue.changes                                    // incoming edits
//
// - `Script` is immutable and Sendable: parse once per configuration load and
//   run it concurrently from many threads, one `ScriptRun` per run.
// - `ScriptRun`, `NativeObject` and `EntityView` belong to one run on one
//   thread. Host closures take and return `JSON`; a script value that has no
//   JSON form (a closure) is an error when passed to the host.
// - A host closure that throws ends the run with a `ScriptError` whose message
//   is the thrown error's description (throw `ScriptHostError("…")` for a clean
//   message), at the position of the call.
// - Every limit of `Limits` applies to each run; nothing a script does can do
//   I/O, hang, or crash the process.

/// A parsed script: the syntax tree with every name resolved.
public struct Script: Sendable {
    /// The name errors show (a path or a configuration key).
    public let file: String
    let source: [UInt8]
    let program: Program

    /// Parses `source`.
    ///
    /// - Throws: `ScriptError` of kind `.syntax` (or `.limit` for nesting
    ///   deeper than `limits.nesting`).
    public init(source: String, file: String = "script", limits: Limits = .default) throws {
        self.file = file
        self.source = Array(source.utf8)
        do {
            program = try Parser.parse(self.source, limits: limits)
        } catch let failure {
            throw failure.scriptError(file: file, source: self.source)
        }
    }

    /// The names the script reads or writes without declaring them: what the
    /// host may bind (the script's own functions are not listed).
    public var freeNames: [String] {
        let functions = Set(program.functions.map(\.index))
        return program.globalNames.enumerated().filter { !functions.contains($0.offset) }.map(\.element)
    }
}

/// An error a host closure throws to end a run with exactly this message.
public struct ScriptHostError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One run of a script: bind, run once, read back.
public final class ScriptRun {
    public let script: Script
    let interpreter: Interpreter
    private var unreferenced: [String: Value] = [:]
    private var entities: [EntityView] = []
    private var hasRun = false

    public init(_ script: Script, limits: Limits = .default) {
        self.script = script
        interpreter = Interpreter(program: script.program, limits: limits)
    }

    /// Binds a plain value (it becomes a script list, map, string, …).
    public func bind(_ name: String, _ value: JSON) { set(name, Value(value)) }

    /// Binds a host object whose members and methods are Swift closures.
    public func bind(_ name: String, _ object: NativeObject) { set(name, .object(object)) }

    /// Binds an entity view (`issue`, `entity`); bind it under both names.
    public func bind(_ name: String, _ entity: EntityView) {
        if !entities.contains(where: { $0 === entity }) { entities.append(entity) }
        set(name, .object(entity))
    }

    /// Binds a host function the script calls as `name(a, b)`.
    public func bind(_ name: String, function: @escaping ([JSON]) throws -> JSON) {
        let object = NativeObject(name)
        object.method("call", function)
        set(name, .object(object))
    }

    private func set(_ name: String, _ value: Value) {
        if let index = script.program.globalNames.firstIndex(of: name) {
            interpreter.globals[index] = value
        } else {
            unreferenced[name] = value
        }
    }

    /// Runs the script once.
    ///
    /// - Throws: `ScriptError` (kind `.runtime` or `.limit`) for the first
    ///   error; the bindings then hold whatever the script did until then.
    public func run() throws {
        precondition(!hasRun, "a ScriptRun runs once; create a new one per run")
        hasRun = true
        do {
            try interpreter.run()
            for entity in entities { try entity.finish(in: interpreter) }
        } catch let failure {
            throw failure.scriptError(file: script.file, source: script.source)
        }
    }

    /// The current value of a binding or of a global the script assigned, as
    /// JSON; nil when nothing has that name.
    ///
    /// - Throws: `ScriptError` when the value has no JSON form (a closure) or
    ///   contains itself.
    public func value(_ name: String) throws -> JSON? {
        let value: Value?
        if let index = script.program.globalNames.firstIndex(of: name) {
            value = interpreter.globals[index]
        } else {
            value = unreferenced[name]
        }
        guard let value else { return nil }
        do {
            return try value.json(in: interpreter, at: .none)
        } catch let failure {
            throw ScriptError(kind: failure.kind, message: "binding '\(name)': \(failure.message)", file: script.file,
                              line: 0, column: 0, sourceLine: "")
        }
    }

    /// Steps the run used so far (see `Limits.steps`).
    public var stepsUsed: Int { interpreter.limits.steps - interpreter.steps }
}
