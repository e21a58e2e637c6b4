import TandemJSON

/// The version of the node-to-node protocol, carried in every batch:
///
///     {"protocol": "1.4", "store": {"id": …, "epoch": …}, "messages": [PeerMessage, ...]}
///
/// Within a major version messages only gain optional members and readers
/// ignore members they do not know, so a node reads batches of any 1.x
/// peer; a batch without `protocol` is 1.0. A batch of another major
/// version is refused (400) with a reason naming both versions.
///
/// History of minors: 1.0 the first nodes; 1.1 adds `appliedSeq` to replicas;
/// 1.2 adds the sender's `store` identity to every batch (StoreIdentity.swift);
/// 1.3 adds `previous` to replicas; 1.4 the sender's `conflicts` stance.
struct ProtocolVersion: Sendable, Equatable, CustomStringConvertible {
    var major: Int
    var minor: Int

    static let current = ProtocolVersion(major: 1, minor: 4)

    var description: String { "\(major).\(minor)" }

    init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses "MAJOR.MINOR".
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]), major >= 0, minor >= 0 else { return nil }
        self.init(major: major, minor: minor)
    }

    /// The messages of a batch body, checked for a version this node reads.
    static func messages(ofBatch body: JSON) throws(ProtocolError) -> [JSON] {
        let version: ProtocolVersion
        switch body["protocol"] {
        case nil, .null?: version = ProtocolVersion(major: 1, minor: 0)
        case .string(let text)?:
            guard let parsed = ProtocolVersion(text) else { throw .unsupportedVersion(text) }
            version = parsed
        case .some: throw .wrongType("protocol", expected: "a string \"MAJOR.MINOR\"")
        }
        guard version.major == current.major else { throw .unsupportedVersion(version.description) }
        guard let messages = body["messages"]?.arrayValue else { throw .wrongType("messages", expected: "an array") }
        return messages
    }

    /// A batch body in the current version, stamped with the sending store's identity.
    static func batch(_ messages: [JSON], from store: StoreIdentity) -> JSON {
        ["protocol": .string(current.description), "store": store.json, "messages": .array(messages)]
    }
}
