import TandemJSON

/// Which of a replica's comments an entity lacks (`commentHelper.mergeComments`).
public enum CommentMerge {
    /// The replica's comments the entity does not have yet, each as
    /// `{"body": "[Author] text", "remoteId": "<replica comment id>", "internal": …}`.
    ///
    /// A replica comment is present when an entity comment names it in
    /// `remoteId` (the engine fills that from its comment twins before the
    /// script runs), or carries its body, with or without the author prefix.
    /// Comments the entity itself sent (their `remoteId` in the replica points
    /// back here) are never re-added.
    public static func newComments(entity: JSON, replica: JSON) -> [JSON] {
        let existing = entity["comments"]?.arrayValue ?? []
        let ownIDs = Set(existing.compactMap { $0["id"]?.stringValue })
        var added: [JSON] = []
        for comment in replica["comments"]?.arrayValue ?? [] {
            if let origin = comment["remoteId"]?.stringValue, ownIDs.contains(origin) { continue }
            let body = comment["body"]?.stringValue ?? ""
            let author = comment["author"]?["name"]?.stringValue ?? comment["author"]?["email"]?.stringValue ?? "unknown"
            let prefixed = "[\(author)] \(body)"
            let present = existing.contains { mine in
                if let remoteID = mine["remoteId"], remoteID == comment["id"] ?? .null { return true }
                let myBody = mine["body"]?.stringValue
                return myBody == prefixed || myBody == body
            }
            if present { continue }
            added.append(["body": .string(prefixed), "remoteId": comment["id"] ?? .null,
                          "internal": comment["internal"] ?? .bool(false)])
        }
        return added
    }
}
