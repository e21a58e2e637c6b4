/// Which issue fields a `fields=` parameter asks for: `*all`, `*navigable`, a list,
/// and `-name` exclusions; repeated parameters and comma lists combine.
struct JiraFieldSelection: Equatable {
    var includeAll = false
    var includeNavigable = false
    var named: Set<String> = []
    var excluded: Set<String> = []

    static let all = JiraFieldSelection(includeAll: true)
    static let navigable = JiraFieldSelection(includeNavigable: true)
    static let idOnly = JiraFieldSelection()

    /// Parses the values of every `fields` parameter; `fallback` when none is given.
    init(values: [String], fallback: JiraFieldSelection) {
        let items = values.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        guard !items.isEmpty else { self = fallback; return }
        for item in items {
            switch item {
            case "*all": includeAll = true
            case "*navigable": includeNavigable = true
            default:
                if item.hasPrefix("-") { excluded.insert(String(item.dropFirst())) } else { named.insert(item) }
            }
        }
    }

    init(includeAll: Bool = false, includeNavigable: Bool = false) {
        self.includeAll = includeAll
        self.includeNavigable = includeNavigable
    }

    func includes(_ field: String) -> Bool {
        if excluded.contains(field) { return false }
        if includeAll || named.contains(field) { return true }
        if includeNavigable { return JiraFieldCatalog.fields.first { $0.id == field }?.navigable ?? true }
        return false
    }
}
