/// Why a JQL text could not be parsed or run; the message goes to `errorMessages`.
struct JQLError: Error, Equatable, CustomStringConvertible {
    let message: String
    var description: String { message }
}
