import TandemHTTP
import TandemJSON
import TandemDigest

/// How one tracker signs its webhooks, as its connector declares it
/// (`"webhookSignature": {"header", "scheme"}` in the plugin's capabilities),
/// and the check of one delivery against the instance's `webhookSecret`.
///
/// The node verifies before the connector parses anything, so a forged body
/// never reaches plugin code. The only scheme is `sha256-hex`: the header's
/// value is `sha256=` and 64 hex digits of HMAC-SHA256 over the raw body.
/// The comparison runs in time independent of where the digests differ.
public struct WebhookSignature: Sendable, Equatable {
    public enum Scheme: String, Sendable {
        case sha256Hex = "sha256-hex"
    }

    /// Why a plugin's declaration cannot be used.
    public struct DeclarationError: Error, CustomStringConvertible {
        public let description: String
    }

    public let header: String
    public let scheme: Scheme

    /// The declaration in `capabilities`; nil when the plugin declares none.
    public static func declared(in capabilities: JSON) throws(DeclarationError) -> WebhookSignature? {
        guard let declaration = capabilities["webhookSignature"], !declaration.isNull else { return nil }
        guard let header = declaration["header"]?.stringValue, !header.isEmpty,
              header.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }) else {
            throw DeclarationError(description: "webhookSignature.header must be an HTTP header name")
        }
        let schemeName = declaration["scheme"]?.stringValue ?? ""
        guard let scheme = Scheme(rawValue: schemeName) else {
            throw DeclarationError(description: "webhookSignature.scheme '\(schemeName)' is unknown (this node knows: sha256-hex)")
        }
        return WebhookSignature(header: header, scheme: scheme)
    }

    /// Checks one delivery.
    ///
    /// - Returns: nil when the signature verifies under `secret`, else why not
    ///   (for the log; the sender gets a bare 401).
    func failure(headers: HTTPHeaders, body: [UInt8], secret: [UInt8]) -> String? {
        let values = headers.filter { $0.name.lowercased() == header.lowercased() }.map(\.value)
        guard let value = values.first else { return "no \(header) header" }
        guard values.count == 1 else { return "\(values.count) \(header) headers" }
        let prefix = "sha256="
        guard value.hasPrefix(prefix) else { return "\(header) does not start with \(prefix)" }
        guard let given = Self.bytes(hex: value.utf8.dropFirst(prefix.utf8.count)) else {
            return "\(header) is not sha256= and 64 hex digits"
        }
        guard Digest.constantTimeEqual(Digest.hmacSHA256(key: secret, message: body), given) else {
            return "\(header) does not match the body under the instance's webhookSecret"
        }
        return nil
    }

    /// 32 bytes from exactly 64 hex digits (either case); nil otherwise.
    private static func bytes(hex: Substring.UTF8View) -> [UInt8]? {
        guard hex.count == 64 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(32)
        var high: UInt8?
        for byte in hex {
            guard let nibble = nibble(byte) else { return nil }
            if let first = high {
                output.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return output
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
