import PluginKit

/// The `search` cursor: where the sweep of the table's records stands, and
/// where the sweep of their attachments (`sys_attachment`) stands. Attaching
/// a file leaves the record untouched, so the two move apart.
///
/// The two sweeps share a call's `limit`, and take turns going first, so
/// neither waits while the other has more than a call holds.
///
/// Text form: `sn:<UTF-8 length of the record part>:<record part><attachment part>`
/// (`sa:` instead of `sn:` when the attachments go first), each part a
/// `SearchCursor` text or empty (that sweep has not begun). A plain
/// `SearchCursor` text (written before attachments were swept) is the record
/// part, with the attachment sweep caught up at the same instant, so the next
/// call looks back one overlap for attachments too.
struct ServiceNowSearchCursor: Equatable {
    var records: SearchCursor?
    var attachments: SearchCursor?
    var attachmentsFirst = false

    /// Nil when neither sweep has begun (the null cursor).
    var text: String? {
        guard records != nil || attachments != nil else { return nil }
        let first = records?.text ?? ""
        return (attachmentsFirst ? "sa:" : "sn:") + "\(first.utf8.count):" + first + (attachments?.text ?? "")
    }

    init(records: SearchCursor?, attachments: SearchCursor?, attachmentsFirst: Bool = false) {
        self.records = records
        self.attachments = attachments
        self.attachmentsFirst = attachmentsFirst
    }

    /// The cursor of a `search` input: null, this form, or a plain `SearchCursor`.
    init(_ request: OperationRequest) throws(ConnectorError) {
        guard case .string(let text)? = request.input["cursor"], text.hasPrefix("sn:") || text.hasPrefix("sa:") else {
            let legacy = try request.searchCursor()
            self.init(records: legacy, attachments: legacy.map { SearchCursor(updated: $0.updated, id: "", skip: 0, caughtUp: true) })
            return
        }
        let bytes = Array(text.utf8.dropFirst(3))
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
              let length = Int(String(decoding: bytes[..<colon], as: UTF8.self)), length >= 0, colon + 1 + length <= bytes.count else {
            throw .invalid("search: cursor '\(text)' is not a cursor this connector wrote")
        }
        let first = String(decoding: bytes[(colon + 1)..<(colon + 1 + length)], as: UTF8.self)
        let second = String(decoding: bytes[(colon + 1 + length)...], as: UTF8.self)
        func part(_ text: String) throws(ConnectorError) -> SearchCursor? {
            if text.isEmpty { return nil }
            guard let cursor = SearchCursor(text: text) else { throw .invalid("search: cursor part '\(text)' is not a cursor this connector wrote") }
            return cursor
        }
        self.init(records: try part(first), attachments: try part(second), attachmentsFirst: text.hasPrefix("sa:"))
    }
}
