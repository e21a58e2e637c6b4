import PluginKit

extension JiraConnector {
    /// `user.find` {"email"} → {"id","email","name"} or notFound.
    func findUser(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let email = try request.string("email", for: "user.find")
        return JiraMapping.user(try jiraUser(email: email, for: "user.find"))
    }
}
