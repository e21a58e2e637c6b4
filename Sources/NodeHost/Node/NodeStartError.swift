/// Why a node could not start, with what to do about it.
public struct NodeStartError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
