import TandemHTTP
import TandemJSON
import TandemTime

/// `POST /oauth_token.do`: ServiceNow's OAuth token endpoint, form-encoded,
/// answering `{"access_token","scope","token_type":"Bearer","expires_in"}`.
/// Served only when the configuration names an OAuth client;
/// `POST /_sim/oauth/revoke` then revokes every token issued.
extension ServiceNowSimulator {
    func registerOAuthRoute() {
        guard let client = configuration.oauthClient else { return }
        let user = configuration.user, password = configuration.password, seconds = configuration.oauthTokenSeconds
        let tokens = server.oauthTokens
        server.addControlRoute("POST", "/_sim/oauth/revoke") { _ in
            tokens.revokeAll()
            return HTTPResponse(status: 204)
        }
        server.router.add("POST", "/oauth_token.do") { request in
            // The form body parsed as a query string.
            let form = HTTPRequest(method: "POST", target: "/?" + String(decoding: request.body, as: UTF8.self))
            func refuse(_ status: Int, _ error: String, _ description: String) -> HTTPResponse {
                .json(status, ["error": .string(error), "error_description": .string(description)])
            }
            guard form.query("client_id") == client.id, form.query("client_secret") == client.secret else {
                return refuse(401, "access_denied", "invalid client credentials")
            }
            switch form.query("grant_type") {
            case "password":
                guard form.query("username") == user, form.query("password") == password else {
                    return refuse(401, "access_denied", "invalid user credentials")
                }
            case "client_credentials":
                break
            default:
                return refuse(400, "unsupported_grant_type", "grant_type must be password or client_credentials")
            }
            let token = tokens.issue(for: user, seconds: seconds, now: Timestamp.now())
            return .json(200, ["access_token": .string(token), "scope": "useraccount", "token_type": "Bearer",
                               "expires_in": .int(Int64(seconds))])
        }
    }
}
