/// One row of a simulated table. Every value is a string, as on the wire;
/// a reference holds the target's sys_id. `sequence` keeps insertion order.
struct ServiceNowRecord: Codable, Equatable {
    var table: String
    var sequence: Int
    var fields: [String: String]

    var sysID: String { fields["sys_id"] ?? "" }
}

