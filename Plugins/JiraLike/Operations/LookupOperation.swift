import PluginKit

extension JiraConnector {
    /// How far back `lookup` scans the account's own issues for the property.
    static let lookupScanLimit = 500

    /// `lookup` {"correlationId"} → {"id","key","url"} of the issue `create`
    /// made with it, or notFound.
    ///
    /// First the label `tandem-<correlationId>` (one query). Then, for a
    /// project whose create screen lacks labels, the issues this account
    /// reported in the last 14 days, newest first, with their
    /// `tandem.correlation` property (JQL cannot search an unindexed property;
    /// a crash-recovery lookup follows its create closely).
    func lookup(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let correlation = try request.string("correlationId", for: "lookup")
        let label = try Self.correlationLabel(correlation, for: "lookup")
        let byLabel = "project = \"\(config.project)\" AND labels = \"\(label)\" ORDER BY created ASC"
        if let issue = try searchPage(byLabel, fields: "created", pageSize: 1, at: nil, for: "lookup").issues.first {
            return found(issue)
        }
        let recent = "project = \"\(config.project)\" AND reporter = currentUser() AND created >= -14d ORDER BY created DESC"
        var position: SearchPosition?
        var scanned = 0
        repeat {
            let page = try searchPage(recent, fields: "created", properties: Self.correlationProperty, pageSize: 100,
                                      at: position, for: "lookup")
            if let issue = page.issues.first(where: { $0["properties"]?[Self.correlationProperty]?["id"]?.stringValue == correlation }) {
                return found(issue)
            }
            scanned += page.issues.count
            position = page.next
        } while position != nil && scanned < Self.lookupScanLimit
        throw .notFound("lookup: no issue in \(config.project) carries the label \(label) or the property \(Self.correlationProperty) = \(correlation)")
    }

    private func found(_ issue: JSON) -> JSON {
        let key = issue["key"]?.stringValue ?? ""
        return ["id": .string(JiraMapping.idText(issue["id"])), "key": .string(key), "url": .string(config.browseURL(key))]
    }
}
