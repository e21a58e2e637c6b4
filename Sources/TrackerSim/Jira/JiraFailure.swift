/// A refused Jira request: the status and Jira's error envelope contents.
struct JiraFailure: Error, Equatable {
    var status: Int
    var messages: [String]
    var errors: [String: String]

    init(_ status: Int, _ message: String) {
        self.status = status
        self.messages = [message]
        self.errors = [:]
    }

    init(_ status: Int, field: String, _ message: String) {
        self.status = status
        self.messages = []
        self.errors = [field: message]
    }

    init(_ status: Int, errors: [String: String]) {
        self.status = status
        self.messages = []
        self.errors = errors
    }

    static let issueNotFound = JiraFailure(404, "Issue does not exist or you do not have permission to see it.")
}
