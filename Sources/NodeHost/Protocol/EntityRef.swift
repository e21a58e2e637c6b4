import TandemJSON

/// An entity as one node names it to the other: its tracker id, and the key,
/// URL and modification time when known.
struct EntityRef: Sendable, Equatable {
    var id: String
    var key: String?
    var url: String?
    var updated: String?

    /// The key when known, else the id: how logs and reasons name it.
    var label: String { key ?? id }

    var json: JSON {
        var object: [String: JSON] = ["id": .string(id), "key": key.map(JSON.string) ?? .null, "url": url.map(JSON.string) ?? .null]
        if let updated { object["updated"] = .string(updated) }
        return .object(object)
    }
}

extension EntityRef {
    init(decoding json: JSON?, at path: String) throws(ProtocolError) {
        guard let json, json.objectValue != nil else { throw .missing(path) }
        id = try json.requiredString("id", in: path)
        key = try json.optionalString("key", in: path)
        url = try json.optionalString("url", in: path)
        updated = try json.optionalString("updated", in: path)
    }
}
