/// One place where a JSON value breaks its schema.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// Where, as a JSON path: `$.refs[0].updated`.
    public let path: String
    public let expected: String
    public let got: String

    public var description: String { "\(path): expected \(expected), got \(got)" }
}
