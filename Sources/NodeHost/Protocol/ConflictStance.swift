import TandemJSON

/// How the sending node decides a conflict: its connection's one policy and
/// its node name, sent with each replica.
///
/// With the same policy on both nodes, each decides a simultaneous edit the
/// opposite way (`remote-wins` on both swaps the two values, `local-wins` on
/// both keeps them apart). Knowing the peer's stance, both break that tie
/// alike: the value of the node whose name sorts first wins, or, between two
/// nodes of one name, the value of the entity whose id sorts first.
///
/// Absent when the sender's policy differs per field: its field names are not
/// the receiver's, so the receiver cannot tell which rule applies to a field.
struct ConflictStance: Sendable, Equatable {
    var rule: ConflictPolicy.Rule
    var node: String

    /// The stance a node announces for `policy`, if it has one rule for every field.
    init?(policy: ConflictPolicy, node: String) {
        guard policy.fields.values.allSatisfy({ $0 == policy.default }) else { return nil }
        self.init(rule: policy.default, node: node)
    }

    init(rule: ConflictPolicy.Rule, node: String) {
        self.rule = rule
        self.node = node
    }

    /// Whether the local value wins a tie between `local` and this peer;
    /// the peer, computing the same from its side, reaches the opposite answer.
    func localWinsTie(with local: ConflictStance, localID: String, remoteID: String) -> Bool {
        local.node == node ? localID < remoteID : local.node < node
    }

    var json: JSON { ["rule": .string(rule.rawValue), "node": .string(node)] }
}

extension ConflictStance {
    /// Nil for a rule this node does not know (a newer peer's): it then
    /// decides by its own policy alone, as with a peer that sends no stance.
    init?(decoding json: JSON, at path: String) throws(ProtocolError) {
        guard json.objectValue != nil else { throw .wrongType(path, expected: "an object") }
        let rule = try json.requiredString("rule", in: path)
        let node = try json.requiredString("node", in: path)
        guard let known = ConflictPolicy.Rule(rawValue: rule) else { return nil }
        self.init(rule: known, node: node)
    }
}
