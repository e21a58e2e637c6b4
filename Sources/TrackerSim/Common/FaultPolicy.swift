import TandemJSON

/// Faults a simulator injects, for tests of retry and back-off: a request rate
/// limit (429 + whole-second `Retry-After`), a random 5xx rate, added latency,
/// and 503s for chosen requests (`RequestFault`).
public struct FaultPolicy: Sendable, Equatable {
    /// Requests allowed per wall-clock second; nil means unlimited.
    public var rateLimitPerSecond: Int?
    /// Probability in 0...1 that a request gets a 503 instead of an answer.
    public var failRate: Double
    /// Milliseconds slept before answering each request.
    public var latencyMilliseconds: Int
    public var failRequests: RequestFault?

    public init(rateLimitPerSecond: Int? = nil, failRate: Double = 0, latencyMilliseconds: Int = 0, failRequests: RequestFault? = nil) {
        self.rateLimitPerSecond = rateLimitPerSecond
        self.failRate = failRate
        self.latencyMilliseconds = latencyMilliseconds
        self.failRequests = failRequests
    }

    /// `{"rateLimit": N|null, "failRate": F, "latencyMs": N, "failRequests": {…}|null}`, the `/_sim/faults` shape.
    var json: JSON {
        .object([
            "rateLimit": rateLimitPerSecond.map { .int(Int64($0)) } ?? .null,
            "failRate": .double(failRate),
            "latencyMs": .int(Int64(latencyMilliseconds)),
            "failRequests": failRequests?.json ?? .null,
        ])
    }

    /// Applies the members present in `json` on top of `self`.
    ///
    /// - Throws: `FaultPolicyError` naming the bad member; `self` is unchanged then.
    func applying(_ json: JSON) throws(FaultPolicyError) -> FaultPolicy {
        guard case .object(let members) = json else { throw FaultPolicyError(message: "expected a JSON object like {\"rateLimit\":5,\"failRate\":0.1,\"latencyMs\":20}") }
        var result = self
        for (key, value) in members {
            switch key {
            case "rateLimit":
                if value.isNull { result.rateLimitPerSecond = nil; continue }
                guard let number = value.intValue, number >= 0 else { throw FaultPolicyError(message: "rateLimit must be a whole number >= 0 or null") }
                result.rateLimitPerSecond = number == 0 ? nil : number
            case "failRate":
                guard let number = value.doubleValue, (0...1).contains(number) else { throw FaultPolicyError(message: "failRate must be a number from 0 to 1") }
                result.failRate = number
            case "latencyMs":
                guard let number = value.intValue, (0...60_000).contains(number) else { throw FaultPolicyError(message: "latencyMs must be a whole number from 0 to 60000") }
                result.latencyMilliseconds = number
            case "failRequests":
                result.failRequests = value.isNull ? nil : try RequestFault(value)
            default:
                throw FaultPolicyError(message: "unknown member '\(key)'; known: rateLimit, failRate, latencyMs, failRequests")
            }
        }
        return result
    }
}

