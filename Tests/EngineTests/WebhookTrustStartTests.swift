import Foundation
@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// A node whose instance has a `webhookSecret` needs a plugin that declares
/// how its tracker signs webhooks; it never falls back to guessing a header.
final class WebhookTrustStartTests: XCTestCase {
    func testASecretForAPluginThatDeclaresNoSignature_StopsTheStartNamingTheKey() throws {
        let nodes = try FileStoreNodes()
        var config = try nodes.config("blue", port: 0, peerPort: nodes.greenPort)
        config.instances["files"]?.webhookSecret = "hook-secret-0123456789"
        config.connections["files"]?.trigger.webhook = true
        let node = Node(config: config, logger: Logger(node: "blue", minimum: .error))

        XCTAssertThrowsError(try node.start()) { error in
            XCTAssertTrue("\(error)".hasPrefix("$.instances.files.webhookSecret: plugin c-filestore declares no webhook signature"), "\(error)")
        }
        node.stop()
    }

    func testAnUnknownSignatureScheme_IsRefused() {
        XCTAssertThrowsError(try WebhookSignature.declared(in: ["webhookSignature": ["header": "X-Sig", "scheme": "sha1-base64"]])) { error in
            XCTAssertEqual("\(error)", "webhookSignature.scheme 'sha1-base64' is unknown (this node knows: sha256-hex)")
        }
    }
}
