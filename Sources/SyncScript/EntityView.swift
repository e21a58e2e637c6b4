import TandemJSON

/// The entity JSON (docs/connector-guide.md, "The operations") as the script sees it: `fields` as
/// members (`issue.summary`, `issue.status.name`) beside `key`, `id`, `url`,
/// `type`, `updated`, `comments`, `attachments` (and `fields` itself). A
/// missing member reads as null.
///
/// `.readOnly` (outgoing): assigning a member is a run-time error.
/// `.recording` (incoming): assignments are kept, later reads see them, and
/// after the run `changes` holds every member whose final value differs from
/// the entity's, as `{"fields": {…}, "comments": […], "attachments": […]}`:
/// fields under `fields`, the top-level members `comments` and `attachments`
/// beside it, holding only the elements to add (those not already on the
/// entity). In-place edits (`issue.labels.add("x")`) count as changes too.
///
/// Thread: belongs to one run.
public final class EntityView {
    public enum Mode: Sendable { case readOnly, recording }

    /// Entity members that are not fields; `fields` reaches the raw map.
    static let topLevel: Set<String> = ["id", "key", "url", "type", "updated", "comments", "attachments", "fields"]
    /// Top-level members a script may assign in `.recording` mode.
    static let writableTopLevel: Set<String> = ["comments", "attachments"]

    public let mode: Mode
    private let entity: [String: JSON]
    private let fields: [String: JSON]
    /// Members converted to script values so far, and what scripts assigned.
    /// A `MapBox` because it is small: found by comparing names, no hashing.
    private let cache = MapBox()
    private var finished: JSON?
    /// Guards `json(in:at:)` against an issue stored inside itself.
    private var converting = false

    public init(_ entity: JSON, mode: Mode) {
        self.mode = mode
        self.entity = entity.objectValue ?? [:]
        fields = entity["fields"]?.objectValue ?? [:]
    }

    /// The recorded changes (see the type comment); `{"fields": {}}` before
    /// the run ends or when nothing changed.
    public var changes: JSON { finished ?? .object(["fields": .object([:])]) }

    /// Whether to note the members scripts read or assign (off by default:
    /// it costs a set insertion per access). The sync engine turns it on to
    /// learn which fields an outgoing replica depends on, and which fields an
    /// incoming script looked at, whether or not it changed them.
    public var tracksReads = false

    /// The members read or assigned while `tracksReads` was on.
    public private(set) var readMembers: Set<String> = []

    func original(_ name: String) -> JSON? {
        Self.isTopLevel(name) ? entity[name] : fields[name]
    }

    /// `topLevel.contains(name)` without hashing, on the member-read path.
    static func isTopLevel(_ name: String) -> Bool {
        switch name {
        case "id", "key", "url", "type", "updated", "comments", "attachments", "fields": return true
        default: return false
        }
    }

    /// Computes `changes` from every member the run touched.
    func finish(in run: Interpreter) throws(Failure) {
        guard mode == .recording else { return }
        var changedFields: [String: JSON] = [:]
        var result: [String: JSON] = [:]
        for (name, value) in zip(cache.keys, cache.values) {
            let json: JSON
            do {
                json = try value.json(in: run, at: .none)
            } catch {
                throw .runtime("issue.\(name) cannot be stored: \(error.message)", .none)
            }
            guard json != original(name) ?? .null else { continue }
            if Self.writableTopLevel.contains(name) {
                // Only additions: elements the entity does not have yet.
                let existing = original(name)?.arrayValue ?? []
                let added = (json.arrayValue ?? [json]).filter { !existing.contains($0) }
                if !added.isEmpty { result[name] = .array(added) }
            } else {
                changedFields[name] = json
            }
        }
        result["fields"] = .object(changedFields)
        finished = .object(result)
    }
}

extension EntityView: ScriptObject {
    var typeName: String { "issue" }

    func member(_ name: String, at loc: Loc) throws(Failure) -> Value {
        if tracksReads { readMembers.insert(name) }
        if mode == .readOnly {
            // Nothing is assigned here, so the cache holds containers only:
            // a scalar member comes straight from the JSON.
            guard let json = original(name) else { return .null }
            switch json {
            case .array, .object: break
            default: return Value(json)
            }
        }
        if let value = cache[name] { return value }
        guard let json = original(name) else { return .null }
        let value = Value(json)
        switch value {
        case .list, .map: cache.set(name, value)  // so in-place edits persist and count
        default: break
        }
        return value
    }

    func setMember(_ name: String, _ value: Value, in run: Interpreter, at loc: Loc) throws(Failure) {
        guard mode == .recording else {
            throw .runtime("issue is read-only in an outgoing script; set replica.\(name) instead", loc)
        }
        guard !Self.topLevel.contains(name) || Self.writableTopLevel.contains(name) else {
            throw .runtime("issue.\(name) cannot be set by a script", loc)
        }
        _ = try value.json(in: run, at: loc)  // fail here, not after the run
        if tracksReads { readMembers.insert(name) }
        cache.set(name, value)
    }

    func call(_ name: String, _ args: [Value], in run: Interpreter, at loc: Loc) throws(Failure) -> Value {
        throw .runtime("issue has no method '\(name)'", loc)
    }

    func detachValues() -> [Value] {
        defer { cache.removeAll() }
        return Array(cache.values)
    }

    /// The entity with the run's assignments applied (what host helpers see).
    func json(in run: Interpreter, at loc: Loc) throws(Failure) -> JSON {
        guard !converting else { throw .runtime("issue contains itself and cannot be converted to JSON", loc) }
        converting = true
        defer { converting = false }
        var result = entity
        var newFields = fields
        for (name, value) in zip(cache.keys, cache.values) {
            let json = try value.json(in: run, at: loc)
            if Self.topLevel.contains(name) { result[name] = json } else { newFields[name] = json }
        }
        result["fields"] = .object(newFields)
        return .object(result)
    }
}
