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
