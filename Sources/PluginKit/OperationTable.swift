/// A connector's operations by name: the one list that both `describe` (the
/// names, in order) and `perform` (the dispatch) read, so an operation cannot
/// be listed without a handler or handled without being listed.
///
/// ```swift
/// static let operationTable = OperationTable<MyConnector>([
///     ("get", .json(MyConnector.get)),
///     ("attachment.get", .result(MyConnector.getAttachment)),
/// ])
/// ```
///
/// Sendable by hand: the handlers are unapplied methods of the connector
/// type, which capture nothing; the connector itself is `Sendable`.
public struct OperationTable<C: Connector>: @unchecked Sendable {
    /// One operation's method: returning JSON alone, or JSON with bytes.
    public enum Handler {
        case json((C) -> (OperationRequest) throws(ConnectorError) -> JSON)
        case result((C) -> (OperationRequest) throws(ConnectorError) -> OperationResult)
    }

    /// The operation names in the order given; `describe` is PluginKit's own.
    public let names: [String]
    private let handlers: [String: Handler]

    /// Traps on a repeated name or on `describe`: both are programming errors
    /// found the first time the plugin loads.
    public init(_ entries: [(String, Handler)]) {
        names = entries.map(\.0)
        var handlers: [String: Handler] = [:]
        for (name, handler) in entries {
            precondition(name != "describe", "'describe' is answered by PluginKit; do not list it")
            precondition(handlers.updateValue(handler, forKey: name) == nil, "operation '\(name)' is listed twice")
        }
        self.handlers = handlers
    }

    /// Runs `operation` on `connector`.
    ///
    /// - Throws: `.unsupported` for a name not in the table, else what the handler throws.
    public func perform(_ connector: C, _ operation: String, _ request: OperationRequest) throws(ConnectorError) -> OperationResult {
        switch handlers[operation] {
        case .json(let method)?: return OperationResult(try method(connector)(request))
        case .result(let method)?: return try method(connector)(request)
        case nil: throw .unsupported("operation '\(operation)' is not implemented by \(C.id)")
        }
    }
}
