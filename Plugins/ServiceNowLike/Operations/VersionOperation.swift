import PluginKit

extension ServiceNowConnector {
    /// `version` {"id": sys_id} → {"version": sys_mod_count}: one small read.
    ///
    /// The node keeps the entity as of its last apply with this version and
    /// reads the whole entity (three requests) only when it has changed.
    func version(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let sysID = try resolveSysID(request, for: "version")
        let record = try now("version", "GET", "/table/\(config.table)/\(URLEncoding.component(sysID))",
                             query: [("sysparm_fields", "sys_mod_count")])
        guard let count = record["sys_mod_count"]?.stringValue ?? record["sys_mod_count"]?["value"]?.stringValue else {
            throw .transient("version: the record came back without sys_mod_count")
        }
        return ["version": .string(count)]
    }
}
