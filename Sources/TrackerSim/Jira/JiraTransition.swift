/// A transition `id` named `name`, available from `from` statuses, leading to `to`.
struct JiraTransition: Equatable {
    var id: String
    var name: String
    var from: [String]
    var to: String
}
