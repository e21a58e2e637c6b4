/// Why a text is not valid JSON, with the byte offset where reading stopped.
public struct JSONError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    /// Zero-based byte offset into the input.
    public let offset: Int

    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}
