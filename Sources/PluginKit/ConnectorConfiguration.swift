/// Reads a connector's configuration JSON with errors that name the key.
///
/// The common keys of every tracker connector: `baseUrl`,
/// `auth` (`basic` with `user`/`password`, `bearer` with `token`, or `oauth`
/// with `clientId`/`clientSecret` and optionally `user`/`password`; any value
/// may be `{"secret": "NAME"}` to read it from the node's secret store), and an
/// optional `integrationUser`.
public struct ConnectorConfiguration: Sendable {
    public enum Auth: Sendable, Equatable {
        case basic(user: String, password: String)
        case bearer(token: String)
        /// Tokens from the tracker's OAuth token endpoint, which the connector
        /// asks for (and again when they expire): the password grant with
        /// `user`/`password`, else client credentials.
        case oauth(clientID: String, clientSecret: String, user: String?, password: String?)

        /// The `Authorization` header value of `basic` and `bearer`. Empty for
        /// `oauth`, which only a connector that obtains tokens itself accepts
        /// (`init(_:host:acceptsOAuth:)`).
        public var headerValue: String {
            switch self {
            case .basic(let user, let password): return "Basic " + base64(Array("\(user):\(password)".utf8))
            case .bearer(let token): return "Bearer " + token
            case .oauth: return ""
            }
        }
    }

    public let json: JSON
    public let baseUrl: String
    public let auth: Auth
    public let integrationUser: String?

    /// Parses the common keys.
    ///
    /// - Throws: `ConnectorError.invalid` naming the offending key, e.g.
    ///   "configuration key 'auth.type' must be 'basic' or 'bearer'".
    /// - Parameter acceptsOAuth: true for a connector that runs the OAuth
    ///   grant itself; others refuse `auth.type` `oauth` like any unknown type.
    public init(_ json: JSON, host: ConnectorHost?, acceptsOAuth: Bool = false) throws(ConnectorError) {
        guard json.objectValue != nil else { throw .invalid("configuration must be a JSON object") }
        self.json = json
        let url = try Self.requiredString(json, "baseUrl", host: host)
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw .invalid("configuration key 'baseUrl' must start with http:// or https:// (the value is not shown: it may be a secret)")
        }
        baseUrl = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard let authJSON = json["auth"], authJSON.objectValue != nil else {
            throw .invalid("configuration key 'auth' is missing or not an object")
        }
        switch authJSON["type"]?.stringValue {
        case "basic":
            auth = .basic(user: try Self.requiredString(authJSON, "user", path: "auth.user", host: host),
                          password: try Self.requiredString(authJSON, "password", path: "auth.password", host: host))
        case "bearer":
            auth = .bearer(token: try Self.requiredString(authJSON, "token", path: "auth.token", host: host))
        case "oauth" where acceptsOAuth:
            let user = try Self.optionalString(authJSON, "user", path: "auth.user", host: host)
            let password = try Self.optionalString(authJSON, "password", path: "auth.password", host: host)
            guard (user == nil) == (password == nil) else {
                throw .invalid("configuration keys 'auth.user' and 'auth.password' go together (password grant) or are both left out (client credentials)")
            }
            auth = .oauth(clientID: try Self.requiredString(authJSON, "clientId", path: "auth.clientId", host: host),
                          clientSecret: try Self.requiredString(authJSON, "clientSecret", path: "auth.clientSecret", host: host),
                          user: user, password: password)
        default:
            throw .invalid("configuration key 'auth.type' must be 'basic'" + (acceptsOAuth ? ", 'bearer' or 'oauth'" : " or 'bearer'"))
        }
        integrationUser = try Self.optionalString(json, "integrationUser", host: host)
    }

    /// A required string at `key`, resolving `{"secret": NAME}` through the host.
    public static func requiredString(_ json: JSON, _ key: String, path: String? = nil,
                                      host: ConnectorHost?) throws(ConnectorError) -> String {
        guard let value = try optionalString(json, key, path: path, host: host), !value.isEmpty else {
            throw .invalid("configuration key '\(path ?? key)' is missing or empty")
        }
        return value
    }

    /// An optional string at `key`; nil when absent.
    public static func optionalString(_ json: JSON, _ key: String, path: String? = nil,
                                      host: ConnectorHost?) throws(ConnectorError) -> String? {
        let name = path ?? key
        switch json[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .object(let members)? where members["secret"]?.stringValue != nil:
            let secretName = members["secret"]!.stringValue!
            guard let value = host?.secret(secretName) else {
                throw .invalid("configuration key '\(name)' names secret '\(secretName)', which the node does not have")
            }
            return value
        default:
            throw .invalid("configuration key '\(name)' must be a string")
        }
    }
}

private let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

/// Standard base64 with padding.
public func base64(_ bytes: [UInt8]) -> String {
    var output: [UInt8] = []
    output.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index + 3 <= bytes.count {
        let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
        for shift in stride(from: 18, through: 0, by: -6) { output.append(base64Alphabet[Int(chunk >> UInt32(shift) & 63)]) }
        index += 3
    }
    let rest = bytes.count - index
    if rest > 0 {
        let chunk = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
        output.append(base64Alphabet[Int(chunk >> 18 & 63)])
        output.append(base64Alphabet[Int(chunk >> 12 & 63)])
        output.append(rest == 2 ? base64Alphabet[Int(chunk >> 6 & 63)] : UInt8(ascii: "="))
        output.append(UInt8(ascii: "="))
    }
    return String(decoding: output, as: UTF8.self)
}
