/// Why a fault policy update was refused.
struct FaultPolicyError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
