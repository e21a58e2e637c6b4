import PluginKit
import Synchronization

/// Users the instance has already looked up, by `id:<sys_id>`, `name:<user_name>`
/// and `email:<email>`, in the entity's `{"id","email","name"}` shape.
///
/// A user name nobody has (e.g. `system`) is remembered as a bare user, so a
/// journal written by it costs no request on every `get`. Thread-safe.
final class ServiceNowUserDirectory: Sendable {
    private let entries = Mutex<[String: JSON]>([:])

    func lookup(_ key: String) -> JSON? { entries.withLock { $0[key] } }

    func remember(_ user: JSON, under keys: [String]) {
        entries.withLock { for key in keys { $0[key] = user } }
    }
}

extension ServiceNowConnector {
    static let userFields = "sys_id,user_name,name,email"

    /// `{"id": sys_id, "email", "name"}` from a sys_user row.
    static func entityUser(_ row: JSON) -> JSON {
        let email = row["email"]?.stringValue ?? ""
        return .object([
            "id": row["sys_id"] ?? .null, "email": email.isEmpty ? .null : .string(email),
            "name": row["name"]?.stringValue.flatMap { $0.isEmpty ? nil : JSON.string($0) } ?? row["user_name"] ?? .null,
        ])
    }

    private func remember(_ row: JSON) -> JSON {
        let user = Self.entityUser(row)
        var keys = ["id:" + (row["sys_id"]?.stringValue ?? "")]
        if let name = row["user_name"]?.stringValue { keys.append("name:" + name) }
        if let email = row["email"]?.stringValue, !email.isEmpty { keys.append("email:" + email.lowercased()) }
        directory.remember(user, under: keys)
        return user
    }

    /// The user with this sys_id; a bare `{"id"}` user when the row is gone.
    func user(sysID: String, for operation: String) throws(ConnectorError) -> JSON {
        if let known = directory.lookup("id:" + sysID) { return known }
        do {
            return remember(try now(operation, "GET", "/table/sys_user/\(URLEncoding.component(sysID))",
                                    query: [("sysparm_fields", Self.userFields)]))
        } catch where error.kind == .notFound {
            return ["id": .string(sysID), "email": .null, "name": .null]
        }
    }

    /// The user with this `user_name` (journal authors, `sys_updated_by`).
    func user(userName: String, for operation: String) throws(ConnectorError) -> JSON {
        if let known = directory.lookup("name:" + userName) { return known }
        let rows = try now(operation, "GET", "/table/sys_user", query: [
            ("sysparm_query", "user_name=" + userName), ("sysparm_fields", Self.userFields), ("sysparm_limit", "1"),
        ])
        if let row = rows[0] { return remember(row) }
        let bare: JSON = ["id": .string(userName), "email": .null, "name": .string(userName)]
        directory.remember(bare, under: ["name:" + userName])
        return bare
    }

    /// The user with this email. ServiceNow matches case-sensitively, so the
    /// lower-cased form is tried too.
    ///
    /// - Throws: `.notFound` naming the email.
    func user(email: String, for operation: String) throws(ConnectorError) -> JSON {
        if let known = directory.lookup("email:" + email.lowercased()) { return known }
        for candidate in Set([email, email.lowercased()]).sorted() {
            let rows = try now(operation, "GET", "/table/sys_user", query: [
                ("sysparm_query", "email=" + candidate), ("sysparm_fields", Self.userFields), ("sysparm_limit", "1"),
            ])
            if let row = rows[0] { return remember(row) }
        }
        throw .notFound("\(operation): no ServiceNow user has the email '\(email)'")
    }
}
