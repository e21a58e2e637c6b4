import Foundation
import TestSupport

extension SyncDeployment {
    /// The four processes of this build, in a fresh temporary folder that
    /// lives as long as the deployment.
    static func local(_ options: Options) throws -> SyncDeployment {
        let folder = TemporaryDirectory("e2e")
        let deployment = try SyncDeployment(options, tandem: TestPaths.tandem,
                                            examples: TestPaths.packageRoot + "/examples/jira-servicenow",
                                            plugins: [TestPaths.products + "/libJiraLike.so", TestPaths.products + "/libServiceNowLike.so"],
                                            folder: folder.path)
        folders.append(folder)
        return deployment
    }
}

/// Keeps each test deployment's folder until the test process ends.
nonisolated(unsafe) private var folders: [TemporaryDirectory] = []

extension SyncDeployment.Options {
    /// A second connection, `sup-bugs`, beside the usual one on each node's
    /// instance: on blue the usual one takes Jira Tasks and `sup-bugs` Jira
    /// Bugs; on green both take every incident.
    mutating func addBugsConnection() {
        editConfig = { node, config in
            guard var tasks = config["connections"]?[SyncDeployment.connection] else { return }
            var bugs = tasks
            if node == "blue" {
                tasks["trigger"]?["query"] = "project = SUP AND issuetype = Task"
                bugs["trigger"]?["query"] = "project = SUP AND issuetype = Bug"
            }
            config["connections"]?[SyncDeployment.connection] = tasks
            config["connections"]?["sup-bugs"] = bugs
        }
    }
}
