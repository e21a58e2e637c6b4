import Foundation
import TandemHTTP

/// The accounts a simulator accepts: its main account (the one its
/// configuration names, which the people of a test or demo use) and any
/// further ones (`SimAccount`, such as a sync node's integration user). Each
/// signs in by Basic `user:password`, or `Bearer <password>` (the password
/// doubles as a personal access token).
struct SimCredentials: Sendable {
    let accounts: [SimAccount]

    init(user: String, password: String, others: [SimAccount] = []) {
        accounts = [SimAccount(user: user, password: password)] + others
    }

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
            return accounts.first { $0.user == name && $0.password == secret }?.user
        case "bearer":
            let token = parts[1].trimmingSpaces()
            return accounts.first { $0.password == token }?.user
        default:
            return nil
        }
    }
}
