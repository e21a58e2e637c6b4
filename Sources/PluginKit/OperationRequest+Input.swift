/// Reading an operation's input with errors that name the operation and the member.
extension OperationRequest {
    /// A required member given as a non-empty string (a whole number is accepted
    /// and written in decimal, since some trackers send numeric ids).
    ///
    /// - Throws: `.invalid` naming `operation` and `key`.
    public func string(_ key: String, for operation: String) throws(ConnectorError) -> String {
        guard let value = optionalString(key), !value.isEmpty else {
            throw .invalid("\(operation): input member '\(key)' is missing or not a non-empty string")
        }
        return value
    }

    /// A member given as a string or a whole number; nil when absent or null.
    public func optionalString(_ key: String) -> String? {
        switch input[key] {
        case .string(let text)?: return text
        case .int(let number)?: return String(number)
        default: return nil
        }
    }

    /// The `"id"` member, or else `"key"`: how `get` and friends name an entity.
    public func entityReference(for operation: String) throws(ConnectorError) -> String {
        if let id = optionalString("id"), !id.isEmpty { return id }
        if let key = optionalString("key"), !key.isEmpty { return key }
        throw .invalid("\(operation): input needs \"id\" or \"key\"")
    }

    /// The JSON of a `webhook.parse` input's `body` string, the payload a
    /// tracker (`trackerName`, for the message) posted to the node.
    ///
    /// - Throws: `.invalid` when `body` is missing, not a string or not JSON.
    public func webhookPayload(from trackerName: String) throws(ConnectorError) -> JSON {
        guard let text = input["body"]?.stringValue else {
            throw .invalid("webhook.parse: input member 'body' is missing or not a string")
        }
        do { return try JSON(parsing: text) } catch {
            throw .invalid("webhook.parse: body is not JSON (\(error.message)), so not a \(trackerName) webhook")
        }
    }

    /// A required object member.
    public func object(_ key: String, for operation: String) throws(ConnectorError) -> [String: JSON] {
        guard let members = input[key]?.objectValue else {
            throw .invalid("\(operation): input member '\(key)' is missing or not an object")
        }
        return members
    }

    /// The `search` cursor: nil for a missing, null or empty cursor (search
    /// from the start), else a `SearchCursor` this connector wrote (or a bare
    /// timestamp, the older form).
    public func searchCursor() throws(ConnectorError) -> SearchCursor? {
        switch input["cursor"] {
        case nil, .null?: return nil
        case .string(let text)? where text.isEmpty: return nil
        case .string(let text)?:
            guard let cursor = SearchCursor(text: text) else {
                throw .invalid("search: cursor '\(text)' is not a cursor this connector wrote")
            }
            return cursor
        default: throw .invalid("search: cursor must be a string or null")
        }
    }
}
