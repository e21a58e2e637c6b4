#if canImport(Glibc)
import Glibc
#endif
import TandemJSON

/// A mutable list.
///
/// A list made from JSON (an entity field, a bound replica) keeps the JSON
/// and converts it only when the script first looks inside; until then it
/// goes back out as that same JSON. Most fields a sync script copies are
/// never looked inside, so this saves converting them twice.
///
/// Its deinit releases nested containers without recursion.
final class ListBox {
    @exclusivity(unchecked) private var storage: ContiguousArray<Value>
    @exclusivity(unchecked) private var pending: [JSON]?

    init(_ items: ContiguousArray<Value> = []) { storage = items }
    init(json: [JSON]) {
        storage = []
        pending = json
    }

    /// The elements; converts pending JSON on first use.
    var items: ContiguousArray<Value> {
        get {
            materialize()
            return storage
        }
        _modify {
            materialize()
            yield &storage
        }
    }

    var count: Int { pending?.count ?? storage.count }

    /// The JSON this list was made from, while the script has not looked inside.
    var untouchedJSON: [JSON]? { pending }

    /// The converted elements only (nothing for pending JSON, which holds no
    /// references): for cycle checks and release, which must not convert.
    var convertedItems: ContiguousArray<Value> { storage }

    @inline(__always) private func materialize() {
        guard let json = pending else { return }
        pending = nil
        storage.reserveCapacity(json.count)
        for item in json { storage.append(Value(item)) }
    }

    /// Gives up the converted elements, for release.
    func takeConverted() -> ContiguousArray<Value> {
        pending = nil
        defer { storage = [] }
        return storage
    }

    deinit { releaseIteratively(&storage) }
}

/// A mutable map with string keys that remembers insertion order (as
/// Groovy's LinkedHashMap does), so `each`, `keySet` and `values` are stable.
///
/// Most script maps are small (an entity field, a replica), so up to
/// `linearLimit` keys are found by comparing strings, with no hashing and no
/// dictionary; larger maps build `index` once and keep it.
///
/// Like `ListBox`, a map made from a JSON object keeps the object until the
/// script needs more than a scalar member (then its keys are sorted, so the
/// order is stable), and goes back out as that object while untouched.
final class MapBox {
    @exclusivity(unchecked) private var storedKeys: ContiguousArray<String> = []
    @exclusivity(unchecked) private var storedValues: ContiguousArray<Value> = []
    @exclusivity(unchecked) private var index: [String: Int]?
    @exclusivity(unchecked) private var pending: [String: JSON]?
    static let linearLimit = 32

    init() {}
    init(minimumCapacity: Int) {
        storedKeys.reserveCapacity(minimumCapacity)
        storedValues.reserveCapacity(minimumCapacity)
    }
    init(json: [String: JSON]) { pending = json }

    var keys: ContiguousArray<String> {
        materialize()
        return storedKeys
    }

    var values: ContiguousArray<Value> {
        materialize()
        return storedValues
    }

    var count: Int { pending?.count ?? storedKeys.count }

    /// The JSON object this map was made from, while the script has not changed it.
    var untouchedJSON: [String: JSON]? { pending }

    /// The converted values only, for cycle checks and release (see ListBox).
    var convertedValues: ContiguousArray<Value> { storedValues }

    private func materialize() {
        guard let json = pending else { return }
        pending = nil
        storedKeys.reserveCapacity(json.count)
        storedValues.reserveCapacity(json.count)
        for (key, value) in json.sorted(by: { $0.key < $1.key }) { append(key, Value(value)) }
    }

    @inline(__always) private func position(of key: String) -> Int? {
        if let index { return index[key] }
        // Lengths first: O(1) for native strings, and most keys differ in length.
        let length = key.utf8.count
        for offset in storedKeys.indices {
            let candidate = storedKeys[offset]
            if candidate.utf8.count == length && candidate == key { return offset }
        }
        return nil
    }

    subscript(key: String) -> Value? {
        if let json = pending {
            guard let member = json[key] else { return nil }
            switch member {
            case .array, .object: materialize()  // a container must keep its identity
            default: return Value(member)
            }
        }
        guard let position = position(of: key) else { return nil }
        return storedValues[position]
    }

    /// Sets `key`; returns false (and changes nothing) when it is a new key
    /// and the map already holds `limit` entries.
    @discardableResult
    func set(_ key: String, _ value: Value, limit: Int = .max) -> Bool {
        materialize()
        if let position = position(of: key) {
            storedValues[position] = value
            return true
        }
        guard storedKeys.count < limit else { return false }
        append(key, value)
        return true
    }

    private func append(_ key: String, _ value: Value) {
        if index != nil {
            index![key] = storedKeys.count
        } else if storedKeys.count == Self.linearLimit {
            var built = [String: Int](minimumCapacity: storedKeys.count * 2 + 2)
            for (offset, existing) in storedKeys.enumerated() { built[existing] = offset }
            built[key] = storedKeys.count
            index = built
        }
        storedKeys.append(key)
        storedValues.append(value)
    }

    func removeAll() {
        pending = nil
        storedKeys.removeAll()
        storedValues.removeAll()
        index = nil
    }

    /// Empties the map's values (keeping keys), for release.
    func takeConverted() -> ContiguousArray<Value> {
        pending = nil
        let taken = storedValues
        storedValues = ContiguousArray(repeating: .null, count: taken.count)
        return taken
    }

    deinit { releaseIteratively(&storedValues) }
}

/// Frees a tree of lists and maps without nested deinits, so a script that
/// builds a 100,000-level chain cannot overflow the stack when it is released.
///
/// A dying container hands its elements to the thread's graveyard. The
/// outermost deinit drains it: dropping an element may end another
/// container, whose deinit only adds its own elements to the graveyard and
/// returns, so the native stack stays flat whatever the depth.
func releaseIteratively(_ items: inout ContiguousArray<Value>) {
    var hasContainers = false
    for item in items {
        switch item {
        case .list, .map, .closure: hasContainers = true
        default: continue
        }
        break
    }
    guard hasContainers else { return }
    let graveyard = Graveyard.current
    graveyard.pending.append(contentsOf: items)
    items.removeAll()
    if graveyard.draining { return }
    graveyard.draining = true
    while !graveyard.pending.isEmpty { _ = graveyard.pending.removeLast() }
    graveyard.draining = false
}

/// Per-thread work list of `releaseIteratively`.
private final class Graveyard {
    var pending: ContiguousArray<Value> = []
    var draining = false

    static var current: Graveyard {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<Graveyard>.fromOpaque(pointer).takeUnretainedValue()
        }
        let graveyard = Graveyard()
        pthread_setspecific(key, Unmanaged.passRetained(graveyard).toOpaque())
        return graveyard
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<Graveyard>.fromOpaque(pointer).release() }
        }
        return key
    }()
}
