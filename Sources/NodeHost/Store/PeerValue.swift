import TandemJSON

/// The peer's value of a field in local form, as of a replica of its we
/// applied (`Twin.peerValues`).
struct PeerValue: Sendable, Equatable {
    var value: JSON
    /// The seq of our replica the peer had applied when it built that replica.
    var appliedSeq: Int64

    init(_ value: JSON, appliedSeq: Int64) {
        self.value = value
        self.appliedSeq = appliedSeq
    }

    /// `[value, appliedSeq]`.
    init?(json: JSON) {
        guard let pair = json.arrayValue, pair.count == 2, let seq = pair[1].intValue else { return nil }
        self.init(pair[0], appliedSeq: Int64(seq))
    }

    var json: JSON { [value, .int(appliedSeq)] }
}
