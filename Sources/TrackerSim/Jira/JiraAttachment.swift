/// Attachment metadata; the bytes live in the store's blob table under `"jira-\(id)"`.
struct JiraAttachment: Codable, Equatable {
    var id: Int
    var issueID: Int
    var filename: String
    var author: String
    var created: Int64
    var size: Int
    var mimeType: String
}
