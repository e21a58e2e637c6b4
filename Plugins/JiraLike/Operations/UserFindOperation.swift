import PluginKit

extension JiraConnector {
    /// `user.find` {"email"} → {"id","email","name"} or notFound.
    func findUser(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let email = try request.string("email", for: "user.find")
        var user = JiraMapping.user(try jiraUser(email: email, for: "user.find"), emails: emailsByAccountID)
        if user["email"]?.isNull ?? true, case .object(var members) = user {
            members["email"] = .string(email)  // found by it: Cloud may hide it from the answer
            user = .object(members)
        }
        return user
    }
}
