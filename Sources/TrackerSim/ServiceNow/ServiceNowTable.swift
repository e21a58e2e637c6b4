/// The tables a simulated ServiceNow serves: their fields, defaults, references
/// and choice labels.
struct ServiceNowTable {
    var name: String
    /// Field names in the order records are written.
    var fields: [String]
    var defaults: [String: String]
    /// Reference fields and the table they point to.
    var references: [String: String]
    /// Display labels of choice fields: field → code → label.
    var choices: [String: [String: String]]
    /// The field whose value is a record's display value (for references).
    var displayField: String

    static let systemFields = ["sys_id", "sys_created_on", "sys_created_by", "sys_updated_on", "sys_updated_by", "sys_mod_count"]
}
