/// Why a reload was refused. The node keeps running what it ran before.
public struct NodeReloadError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
