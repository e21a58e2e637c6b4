/// One changelog entry: who changed what, when.
struct JiraHistory: Codable, Equatable {
    var id: Int
    var author: String
    var created: Int64
    var items: [JiraChangeItem]
}
