@_exported import TandemJSON
@_exported import TandemTime

/// A tracker connector, written once and exported as a plugin with one line.
///
/// PluginKit builds the C tables, the buffers, the error mapping and the JSON
/// plumbing around it; the connector sees JSON values and Swift errors only.
/// One instance exists per configured connection side.
///
/// ```swift
/// @_cdecl("tandem_plugin_entry") public func entry(_ h: HostInfoPointer?, _ d: DescriptorOut?) -> Int32 { exportConnector(MyConnector.self, h, d) }
/// ```
///
/// Thread: `perform` runs on the node's worker threads. With `isThreadSafe`
/// true it may run concurrently on one instance; otherwise the node serialises
/// calls per instance.
public protocol Connector: AnyObject, Sendable {
    /// Stable plugin id, e.g. `jira-like`. Never change it once published.
    static var id: String { get }
    /// Human-readable name.
    static var name: String { get }
    /// The connector's own version.
    static var version: String { get }
    /// The operations this connector implements, by name, with their
    /// handlers. `describe` is answered by PluginKit and must not be listed.
    static var operationTable: OperationTable<Self> { get }
    /// Whether `perform` may run concurrently on one instance.
    static var isThreadSafe: Bool { get }
    /// The configuration keys this connector reads, for `describe`.
    static var configurationKeys: [String] { get }
    /// How the tracker signs its webhook deliveries, so the node can verify
    /// them before `webhook.parse` sees a byte; nil when it does not sign.
    static var webhookSignature: WebhookSignatureFormat? { get }

    /// Creates an instance from its configuration.
    ///
    /// - Throws: `ConnectorError.invalid` naming the offending key.
    init(configuration: JSON, host: ConnectorHost) throws(ConnectorError)
}

extension Connector {
    public static var isThreadSafe: Bool { true }
    public static var configurationKeys: [String] { [] }
    public static var webhookSignature: WebhookSignatureFormat? { nil }

    /// The operation names, in the table's order.
    public static var operations: [String] { operationTable.names }

    /// Runs one listed operation through the table.
    public func perform(_ operation: String, _ request: OperationRequest) throws(ConnectorError) -> OperationResult {
        try Self.operationTable.perform(self, operation, request)
    }

    /// What `describe` answers: who the connector is and what it implements.
    public static func describe() -> JSON {
        var members: [String: JSON] = [
            "id": .string(id),
            "name": .string(name),
            "version": .string(version),
            "runtime": .string(pluginRuntimeTag),
            "operations": .array((["describe"] + operations).map(JSON.string)),
            "configuration": .array(configurationKeys.map(JSON.string)),
            "threadSafe": .bool(isThreadSafe),
        ]
        if let webhookSignature { members["webhookSignature"] = webhookSignature.json }
        return .object(members)
    }
}

/// The input of one operation: its JSON and, for attachment uploads, bytes.
public struct OperationRequest: Sendable {
    public var input: JSON
    public var blob: [UInt8]?

    public init(input: JSON, blob: [UInt8]? = nil) {
        self.input = input
        self.blob = blob
    }
}

/// The output of one operation: its JSON and, for attachment downloads, bytes.
public struct OperationResult: Sendable {
    public var output: JSON
    public var blob: [UInt8]?

    public init(_ output: JSON, blob: [UInt8]? = nil) {
        self.output = output
        self.blob = blob
    }
}
