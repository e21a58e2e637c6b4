/// A webhook registered through `POST /rest/webhooks/1.0/webhook` (or `--webhook`,
/// which registers for every event). An empty `events` list means every event.
struct JiraWebhookRegistration: Codable, Equatable {
    var id: Int
    var name: String
    var url: String
    var events: [String]
    var enabled: Bool

    func wants(_ event: String) -> Bool { enabled && (events.isEmpty || events.contains(event)) }
}
