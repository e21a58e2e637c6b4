import PluginKit
import Synchronization

/// The OAuth access token of an instance with `auth.type` `oauth`, and until
/// when it may be used: a minute before ServiceNow's `expires_in` runs out, so
/// a request never leaves with a token about to expire. Thread-safe.
final class ServiceNowOAuthToken: Sendable {
    private let current = Mutex<(token: String, usableUntil: Int64)?>(nil)

    func token(now: Int64) -> String? { current.withLock { $0.flatMap { $0.usableUntil > now ? $0.token : nil } } }
    func remember(_ token: String, usableUntil: Int64) { current.withLock { $0 = (token, usableUntil) } }
    func forget() { current.withLock { $0 = nil } }
}

extension ServiceNowConnector {
    /// The `Authorization` value of the next request: the configured basic or
    /// bearer credentials, or an OAuth access token, asked for at
    /// `POST /oauth_token.do` when there is none (or `renew`).
    func authorization(for operation: String, renew: Bool = false) throws(ConnectorError) -> String {
        guard case .oauth(let clientID, let clientSecret, let user, let password) = config.common.auth else {
            return config.common.auth.headerValue
        }
        let now = host.nowMs()
        if !renew, let token = oauthToken.token(now: now) { return "Bearer " + token }
        var form: [(String, String)] = [("client_id", clientID), ("client_secret", clientSecret)]
        if let user, let password {
            form = [("grant_type", "password")] + form + [("username", user), ("password", password)]
        } else {
            form = [("grant_type", "client_credentials")] + form
        }
        let body = form.map { "\(URLEncoding.component($0.0))=\(URLEncoding.component($0.1))" }.joined(separator: "&")
        let response: ConnectorHost.Response
        do {
            response = try host.send(operation, "POST", "/oauth_token.do",
                                     headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                                     body: Array(body.utf8), trackerMessage: Self.oauthMessage)
        } catch {
            throw ConnectorError(error.kind, "\(error.message) (OAuth token request: check auth.clientId/clientSecret and the OAuth application)")
        }
        guard let answer = try? response.json(), let token = answer["access_token"]?.stringValue, !token.isEmpty else {
            throw .transient("\(operation): ServiceNow's OAuth token endpoint answered without an access_token")
        }
        let seconds = Int64(answer["expires_in"]?.intValue ?? 1800)
        oauthToken.remember(token, usableUntil: now + max(0, seconds - 60) * 1000)
        return "Bearer " + token
    }

    /// One request with the instance's credentials. With OAuth, a refused
    /// token (401) is renewed once and the request repeated: tokens expire, or
    /// are revoked, before their announced time.
    func sendAuthorized(_ operation: String, _ method: String, _ url: String, headers: [String: String],
                        body: [UInt8] = []) throws(ConnectorError) -> ConnectorHost.Response {
        var all = headers
        all["Authorization"] = try authorization(for: operation)
        do {
            return try host.send(operation, method, url, headers: all, body: body, trackerMessage: Self.trackerMessage)
        } catch where error.kind == .auth {
            guard case .oauth = config.common.auth else { throw error }
            oauthToken.forget()
            all["Authorization"] = try authorization(for: operation, renew: true)
            return try host.send(operation, method, url, headers: all, body: body, trackerMessage: Self.trackerMessage)
        }
    }

    /// `{"error","error_description"}` of the OAuth endpoint.
    static func oauthMessage(_ response: ConnectorHost.Response) -> String {
        guard let answer = try? JSON(parsing: response.body), let error = answer["error"]?.stringValue else {
            return responseSnippet(response.body)
        }
        return [error, answer["error_description"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
    }
}
