import Foundation

extension JiraZone {
    /// The zone named by Jira's `timeZone` (an Olson id); UTC when unknown.
    static func named(_ identifier: String) -> JiraZone {
        if ["UTC", "GMT", "Etc/UTC", "Etc/GMT", "Z"].contains(identifier) {
            return JiraZone(identifier: identifier, offsetAt: { _ in 0 })
        }
        guard let zone = TimeZone(identifier: identifier) else {
            return JiraZone(identifier: "UTC", offsetAt: { _ in 0 })
        }
        return JiraZone(identifier: identifier, offsetAt: { millis in
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(millis) / 1000))
        })
    }
}
