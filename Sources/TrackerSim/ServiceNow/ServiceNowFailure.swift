/// A refused ServiceNow request: status, `error.message` and `error.detail`.
struct ServiceNowFailure: Error, Equatable {
    var status: Int
    var message: String
    var detail: String?

    init(_ status: Int, _ message: String, _ detail: String? = nil) {
        self.status = status
        self.message = message
        self.detail = detail
    }

    static func invalidTable(_ name: String) -> ServiceNowFailure {
        ServiceNowFailure(400, "Invalid table \(name)", nil)
    }

    static let noRecord = ServiceNowFailure(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval")
}
