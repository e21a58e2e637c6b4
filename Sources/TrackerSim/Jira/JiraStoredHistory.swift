/// A changelog entry as the store keeps it: one document per entry, written
/// once when the change is made, so an edit writes its own entry and not the
/// issue's whole history again.
struct JiraStoredHistory: Codable {
    var issueID: Int
    var history: JiraHistory
}
