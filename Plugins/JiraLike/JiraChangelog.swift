import PluginKit

/// Who changed each field last, from an issue's changelog (`expand=changelog`:
/// `{"total", "histories": [{"id", "author", "created", "items": [{"field", "fieldId"}]}]}`).
enum JiraChangelog {
    /// Per field of `fields` (Jira field ids, as `get` returns them), the
    /// author of the newest history that changed it. An item names its field
    /// by `fieldId` (Cloud, recent Data Center), else by `field`, which is the
    /// id for system fields and the display name for custom ones (those then
    /// go unnamed: unknown, never guessed).
    ///
    /// - Returns: nil when Jira cut the changelog short (`total` above the
    ///   histories given): the newest change of a field may be missing.
    static func lastAuthors(_ changelog: JSON?, fields: Set<String>) -> [String: JSON]? {
        let histories = changelog?["histories"]?.arrayValue ?? []
        if let total = changelog?["total"]?.intValue, total > histories.count { return nil }
        let newestFirst = histories.sorted { order($0) > order($1) }
        var authors: [String: JSON] = [:]
        for history in newestFirst {
            for item in history["items"]?.arrayValue ?? [] {
                guard let name = item["fieldId"]?.stringValue ?? item["field"]?.stringValue,
                      fields.contains(name), authors[name] == nil else { continue }
                authors[name] = history["author"] ?? .null
            }
        }
        return authors
    }

    /// Histories by time, then by id (ids grow with each change).
    private static func order(_ history: JSON) -> (Int64, Int) {
        (history["created"]?.stringValue.flatMap(Timestamp.parse) ?? 0, Int(JiraMapping.idText(history["id"])) ?? 0)
    }
}
