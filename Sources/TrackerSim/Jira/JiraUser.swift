/// A user of the simulated Jira; `key` is the name, `accountId` derived from it.
struct JiraUser: Equatable {
    var name: String
    var displayName: String
    var email: String
    var active = true
    var timeZone = "UTC"
    var accountID: String { "5b10a2844c20165700ede21" + String(name.unicodeScalars.reduce(0) { ($0 &* 31 &+ Int($1.value)) & 0xff }, radix: 16) }
}
