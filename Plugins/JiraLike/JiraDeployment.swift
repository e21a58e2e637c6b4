import PluginKit

/// Which Jira answers: the two differ in search, users and attachment downloads.
enum JiraDeployment: String, Sendable {
    case cloud, datacenter
}

extension JiraConnector {
    /// The configured deployment, or `serverInfo.deploymentType` read once.
    func deployment(for operation: String) throws(ConnectorError) -> JiraDeployment {
        if let configured = config.deployment { return configured }
        if let known = directory.deployment { return known }
        let info = try jira(operation, "GET", "/serverInfo")
        let found: JiraDeployment = info["deploymentType"]?.stringValue?.lowercased() == "cloud" ? .cloud : .datacenter
        directory.remember(deployment: found)
        return found
    }

    /// The connector's own accountId on Cloud (`/myself`), fetched once.
    func myAccountID(for operation: String) throws(ConnectorError) -> String? {
        if let known = directory.myself { return known }
        _ = try searchZone(for: operation)
        if let known = directory.myself { return known }
        let myself = try jira(operation, "GET", "/myself")
        guard let accountID = myself["accountId"]?.stringValue, !accountID.isEmpty else { return nil }
        directory.remember(myself: accountID)
        return accountID
    }
}
