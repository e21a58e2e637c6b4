import Foundation
import NodeHost
import TandemJSON

/// The `search-cursor` and `lookup` checks.
extension ConformanceRunner {
    /// One search answer, read as the node reads it.
    struct SearchAnswer {
        let refs: [JSON]
        let cursor: JSON

        func updated(_ id: String) -> String? {
            refs.first { $0["id"]?.stringValue == id }?["updated"]?.stringValue
        }
        var ids: [String] { refs.compactMap { $0["id"]?.stringValue } }
        /// The oldest `updated` returned (ISO-8601 UTC with ms compares as text).
        var oldest: String? { refs.compactMap { $0["updated"]?.stringValue }.min() }
        var shown: String { ids.count > 12 ? "\(ids.prefix(12))… (\(ids.count))" : "\(ids)" }
    }

    func searchOnce(_ instance: PluginInstance, from cursor: JSON) throws -> SearchAnswer {
        let answer = try call(instance, "search", ["query": .string(fields.searchQuery), "cursor": cursor,
                                                   "overlapSeconds": 60, "limit": 1000]).json
        return SearchAnswer(refs: answer["refs"]?.arrayValue ?? [], cursor: answer["cursor"] ?? .null)
    }

    /// The cursor rules, from a saved cursor:
    /// - refs returned means a non-null cursor (the node saves it);
    /// - from cursor C, every entity changed at or after (C − overlap) comes
    ///   back, so an entity changed just before the newest one seen reappears;
    /// - a change made after C was returned is found from C;
    /// - the cursor never moves backwards: what a newer cursor returns is never
    ///   older than what the previous one returned;
    /// - a search that finds nothing returns the cursor it was given.
    func searchCursor() throws {
        let instance = try setup.instance(plugin)
        let first = try createEntity(instance)
        Thread.sleep(forTimeInterval: 0.05)
        let second = try createEntity(instance)

        let fromNull = try searchOnce(instance, from: .null)
        for id in [first, second] {
            try expect(fromNull.updated(id) != nil, "search from a null cursor: expected entity \(id) (just created) among the refs, got \(fromNull.shown)")
        }
        try expect(!fromNull.cursor.isNull, "search from a null cursor returned \(fromNull.refs.count) refs: expected a non-null cursor to save, got null")

        let saved = fromNull.cursor
        let again = try searchOnce(instance, from: saved)
        try expect(again.updated(first) != nil,
                   "search from the saved cursor with overlapSeconds 60: expected entity \(first) (updated \(fromNull.updated(first) ?? "?"), within 60 s before the newest seen, \(fromNull.updated(second) ?? "?")) to come back, got \(again.shown)")
        try checkCursorMoves(from: fromNull, to: again, givenCursor: saved)

        Thread.sleep(forTimeInterval: 0.05)
        let later = try createEntity(instance)
        let afterChange = try searchOnce(instance, from: again.cursor)
        try expect(afterChange.updated(later) != nil,
                   "search from a saved cursor: expected entity \(later), created after the cursor was returned, got \(afterChange.shown)")
        try checkCursorMoves(from: again, to: afterChange, givenCursor: again.cursor)

        let last = try searchOnce(instance, from: afterChange.cursor)
        try checkCursorMoves(from: afterChange, to: last, givenCursor: afterChange.cursor)
    }

    /// `next` was searched from `previous.cursor`.
    private func checkCursorMoves(from previous: SearchAnswer, to next: SearchAnswer, givenCursor: JSON) throws {
        if next.refs.isEmpty {
            try expect(next.cursor == givenCursor, "a search that found nothing: expected the cursor it was given, \(givenCursor.text), got \(next.cursor.text)")
            return
        }
        try expect(!next.cursor.isNull, "search from cursor \(givenCursor.text) returned \(next.refs.count) refs: expected a non-null cursor, got null")
        if let before = previous.oldest, let now = next.oldest {
            try expect(now >= before,
                       "the cursor moved backwards: searching from cursor \(givenCursor.text) returned an entity updated \(now), expected nothing older than \(before) (the oldest the previous cursor returned)")
        }
    }

    func lookup() throws {
        let instance = try setup.instance(plugin)
        let correlationID = "tandem-check-\(token)"
        let id = try createEntity(instance, correlationID: correlationID)
        let found: JSON
        do { found = try call(instance, "lookup", ["correlationId": .string(correlationID)]).json } catch let error as PluginCallError {
            throw ConformanceFailure("lookup of correlationId \(correlationID): expected id \(id) (what create answered), got \(error)")
        }
        try expect(found["id"]?.stringValue == id,
                   "lookup of correlationId \(correlationID): expected id \(id) (what create answered), got \(found["id"]?.text ?? "no id")")
        let unknown = "tandem-check-never-used-\(token)"
        do {
            let answer = try instance.call("lookup", ["correlationId": .string(unknown)]).json
            throw ConformanceFailure("lookup of a correlationId no create used (\(unknown)): expected notFound, got \(answer.text.prefix(200))")
        } catch let error as PluginCallError {
            try expect(error.kind == .notFound, "lookup of a correlationId no create used (\(unknown)): expected notFound, got \(error)")
        }
    }
}
