/// A comment on an issue; ids are unique per instance.
struct JiraComment: Codable, Equatable {
    var id: Int
    var issueID: Int
    var author: String
    var updateAuthor: String
    var body: String
    var created: Int64
    var updated: Int64
}
