import TandemJSON

/// When an apply agreed on a field's value (`Twin.baseMarks`), in the two
/// counts that order it against our replicas.
struct BaseMark: Sendable, Equatable {
    /// The seq of our newest replica at the apply.
    var ours: Int64
    /// The seq of our replica the peer had applied when it built the
    /// replica we applied. Below `ours`, the replicas crossed: the peer had
    /// not seen our newest when it sent the value we agreed on.
    var peerApplied: Int64

    init(ours: Int64, peerApplied: Int64) {
        self.ours = ours
        self.peerApplied = min(peerApplied, ours)
    }

    /// `[ours, peerApplied]`; a bare number is a mark written before both
    /// counts were kept, taken as uncrossed.
    init?(json: JSON) {
        if let value = json.intValue {
            self.init(ours: Int64(value), peerApplied: Int64(value))
        } else if let pair = json.arrayValue, pair.count == 2, let ours = pair[0].intValue, let peer = pair[1].intValue {
            self.init(ours: Int64(ours), peerApplied: Int64(peer))
        } else {
            return nil
        }
    }

    var json: JSON { [.int(ours), .int(peerApplied)] }
}
