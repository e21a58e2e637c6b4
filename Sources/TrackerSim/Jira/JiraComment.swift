/// A comment on an issue; ids are unique per instance.
struct JiraComment: Codable, Equatable {
    var id: Int
    var issueID: Int
    var author: String
    var updateAuthor: String
    var body: String
    var created: Int64
    var updated: Int64
    /// A Service Management internal note (`jsdPublic: false`); nil in data
    /// written before the simulator knew internal notes, meaning public.
    var internalNote: Bool?

    var isInternal: Bool { internalNote ?? false }
}
