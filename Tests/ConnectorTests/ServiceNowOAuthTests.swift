import Foundation
import NodeHost
import TandemHTTP
import TandemJSON
import TrackerSim
import XCTest

/// ServiceNowLike with `auth.type` `oauth`: tokens from `/oauth_token.do`,
/// kept while valid, renewed once when the instance refuses one.
final class ServiceNowOAuthTests: XCTestCase {
    private func side(grant: [String: JSON] = ["user": .string(TrackerSide.user), "password": .string(TrackerSide.password)],
                      clientSecret: String = "client-secret") throws -> TrackerSide {
        var auth: [String: JSON] = ["type": "oauth", "clientId": "tandem", "clientSecret": .string(clientSecret)]
        auth.merge(grant) { $1 }
        return try TrackerSide(.serviceNow, configure: { $0["auth"] = .object(auth) },
                               serviceNow: { $0.oauthClient = (id: "tandem", secret: "client-secret") })
    }

    func testPasswordGrant_TokenIsAskedForOnceAndReused() throws {
        let snow = try side()
        let id = try snow.createEntity("via OAuth")
        _ = try snow.call("get", ["id": .string(id)])  // users referenced are looked up once
        let before = snow.http.requestCount
        XCTAssertEqual(try snow.call("get", ["id": .string(id)])["fields"]?["short_description"], "via OAuth")
        XCTAssertEqual(snow.http.requestCount - before, 3, "the record, its journal, its attachments: no token request")
    }

    func testClientCredentialsGrant_Works() throws {
        let snow = try side(grant: [:])
        XCTAssertNoThrow(try snow.createEntity("client credentials"))
    }

    func testRevokedToken_IsRenewedOnceAndTheRequestRepeated() throws {
        let snow = try side()
        let id = try snow.createEntity("revoked")
        let revoke = try HTTPClient().send(HTTPClientRequest(method: "POST", url: snow.baseURL + "/_sim/oauth/revoke", timeoutSeconds: 10))
        XCTAssertEqual(revoke.status, 204)
        XCTAssertEqual(try snow.call("get", ["id": .string(id)])["id"]?.stringValue, id)
    }

    func testWrongClientSecret_IsAuthNamingOAuth() throws {
        let snow = try side(clientSecret: "wrong")
        let error = snow.failure("search", ["cursor": nil])
        XCTAssertEqual(error?.kind, .auth)
        XCTAssertTrue(error?.message.contains("OAuth token request") ?? false, error?.message ?? "")
        XCTAssertFalse(error?.message.contains("client-secret") ?? true, "the secret never appears in a message")
    }

    func testJira_RefusesOAuth() {
        XCTAssertThrowsError(try TrackerSide(.jira, configure: { $0["auth"] = ["type": "oauth", "clientId": "a", "clientSecret": "b"] })) { error in
            XCTAssertEqual((error as? PluginCallError)?.kind, .invalid)
            XCTAssertEqual((error as? PluginCallError)?.message, "configuration key 'auth.type' must be 'basic' or 'bearer'")
        }
    }
}
