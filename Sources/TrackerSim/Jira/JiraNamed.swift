/// An id/name pair: issue type, priority, status or resolution.
struct JiraNamed: Equatable {
    var id: String
    var name: String
    var extra: String = ""   // statusCategory key for statuses, icon colour for priorities
}
