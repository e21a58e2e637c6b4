import TandemJSON

/// 503s for chosen requests rather than by chance, to cut a multi-step
/// write at a known step (e.g. the second of two Jira transitions): of the
/// requests with `method` whose path ends with `pathSuffix`, counted from
/// when the fault is set, the first `skip` pass and the next `count` fail.
///
/// With `afterHandling`, a failing request takes effect first and only its
/// answer is the 503, as when a gateway gives up on a tracker that committed.
public struct RequestFault: Sendable, Equatable {
    public var method: String
    public var pathSuffix: String
    public var skip: Int
    public var count: Int
    public var afterHandling: Bool

    public init(method: String, pathSuffix: String, skip: Int = 0, count: Int = 1, afterHandling: Bool = false) {
        self.method = method.uppercased()
        self.pathSuffix = pathSuffix
        self.skip = skip
        self.count = count
        self.afterHandling = afterHandling
    }

    func matches(method: String, path: String) -> Bool {
        method.uppercased() == self.method && path.hasSuffix(pathSuffix)
    }

    /// `{"method", "pathSuffix", "skip", "count", "afterHandling"}`, the `/_sim/faults` member `failRequests`.
    var json: JSON {
        ["method": .string(method), "pathSuffix": .string(pathSuffix), "skip": .int(Int64(skip)), "count": .int(Int64(count)),
         "afterHandling": .bool(afterHandling)]
    }

    init(_ json: JSON) throws(FaultPolicyError) {
        guard let method = json["method"]?.stringValue, !method.isEmpty,
              let suffix = json["pathSuffix"]?.stringValue, !suffix.isEmpty else {
            throw FaultPolicyError(message: "failRequests needs \"method\" and \"pathSuffix\", like {\"method\":\"POST\",\"pathSuffix\":\"/transitions\",\"skip\":1,\"count\":1}")
        }
        func number(_ name: String, absent: Int) throws(FaultPolicyError) -> Int {
            guard let member = json[name] else { return absent }
            guard let number = member.intValue, number >= 0 else {
                throw FaultPolicyError(message: "failRequests: \(name) must be a whole number >= 0")
            }
            return number
        }
        let skip = try number("skip", absent: 0)
        let count = try number("count", absent: 1)
        guard let afterHandling = json["afterHandling"].map({ $0.boolValue }) ?? false else {
            throw FaultPolicyError(message: "failRequests: afterHandling must be true or false")
        }
        self.init(method: method, pathSuffix: suffix, skip: skip, count: count, afterHandling: afterHandling)
    }
}
