import Foundation
import TandemHTTP

/// The one account a simulator accepts: Basic `user:password`, or `Bearer <password>`
/// (the password doubles as a personal access token).
struct SimCredentials: Sendable {
    let user: String
    let password: String

    /// The authenticated user name, or nil when the header is missing or wrong.
    func authenticate(_ headers: HTTPHeaders) -> String? {
        guard let value = headers["Authorization"]?.trimmingSpaces() else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0].lowercased() {
        case "basic":
            guard let data = Data(base64Encoded: parts[1].trimmingSpaces()),
                  let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
            let name = String(text[..<colon]), secret = String(text[text.index(after: colon)...])
            return name == user && secret == password ? user : nil
        case "bearer":
            return parts[1].trimmingSpaces() == password ? user : nil
        default:
            return nil
        }
    }
}
