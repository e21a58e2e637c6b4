import PluginKit

extension ServiceNowConnector {
    /// `user.find` {"email"} → {"id": sys_id, "email", "name"} or notFound.
    func findUser(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        try user(email: try request.string("email", for: "user.find"), for: "user.find")
    }
}
