/// Why an encoded query was refused.
struct EncodedQueryError: Error, Equatable, CustomStringConvertible {
    let message: String
    var description: String { message }
}
