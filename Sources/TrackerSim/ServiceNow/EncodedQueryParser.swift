/// Parses `sysparm_query` text into an `EncodedQuery`.
///
/// A literal `^` inside a value is written `^^`. Field names are ServiceNow's
/// lower-case column names (letters, digits, `_`, `.`), so the operator starts at
/// the first character that cannot be part of a name.
enum EncodedQueryParser {
    /// Operators longest first, so `<=` wins over `<` and `NOT LIKE` over `LIKE`.
    private static let operators: [EncodedQuery.Operator] = EncodedQuery.Operator.allCases.sorted { $0.rawValue.count > $1.rawValue.count }

    static func parse(_ text: String) throws(EncodedQueryError) -> EncodedQuery {
        var queries: [[[EncodedQuery.Term]]] = [[]]
        var orders: [EncodedQuery.Order] = []
        for piece in split(text) {
            var part = piece
            if part.isEmpty { continue }
            if part.hasPrefix("NQ") {
                queries.append([])
                part = String(part.dropFirst(2))
                if part.isEmpty { continue }
            }
            if part.hasPrefix("ORDERBYDESC") {
                orders.append(.init(field: String(part.dropFirst(11)), descending: true)); continue
            }
            if part.hasPrefix("ORDERBY") {
                orders.append(.init(field: String(part.dropFirst(7)), descending: false)); continue
            }
            if part == "EQ" { continue }
            var joinsWithOr = false
            if part.hasPrefix("OR"), let next = part.dropFirst(2).first, next.isLowercase || next == "_" {
                joinsWithOr = true
                part = String(part.dropFirst(2))
            }
            let term = try parseTerm(part)
            if joinsWithOr, !queries[queries.count - 1].isEmpty {
                queries[queries.count - 1][queries[queries.count - 1].count - 1].append(term)
            } else {
                queries[queries.count - 1].append([term])
            }
        }
        return EncodedQuery(queries: queries.filter { !$0.isEmpty }.isEmpty ? [[]] : queries.filter { !$0.isEmpty }, orderBy: orders)
    }

    /// Splits on single `^`; `^^` stays a literal `^`.
    private static func split(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if c == "^" {
                if chars.first == "^" { current.append("^"); chars.removeFirst(); continue }
                pieces.append(current); current = ""
            } else {
                current.append(c)
            }
        }
        pieces.append(current)
        return pieces
    }

    private static func parseTerm(_ text: String) throws(EncodedQueryError) -> EncodedQuery.Term {
        let nameEnd = text.firstIndex { !($0.isLowercase || $0.isNumber || $0 == "_" || $0 == ".") } ?? text.endIndex
        let field = String(text[..<nameEnd])
        let rest = text[nameEnd...]
        guard !field.isEmpty else { throw EncodedQueryError(message: "Invalid query term '\(text)': it must start with a field name") }
        guard let op = operators.first(where: { rest.hasPrefix($0.rawValue) }) else {
            throw EncodedQueryError(message: "Invalid query term '\(text)': no known operator after '\(field)'")
        }
        var value = String(rest.dropFirst(op.rawValue.count))
        if value.hasPrefix("javascript:") { value = try evaluateScript(value) }
        return .init(field: field, op: op, value: value)
    }

    /// `javascript:gs.dateGenerate('2024-01-15','09:30:00')` becomes `2024-01-15 09:30:00`;
    /// `'start'`/`'end'` mean 00:00:00 and 23:59:59. Any other script is refused.
    private static func evaluateScript(_ value: String) throws(EncodedQueryError) -> String {
        let body = value.dropFirst("javascript:".count).filter { $0 != " " }
        guard body.hasPrefix("gs.dateGenerate("), body.hasSuffix(")") else {
            throw EncodedQueryError(message: "Unsupported javascript: value '\(value)'; only gs.dateGenerate('yyyy-MM-dd','HH:mm:ss') is accepted")
        }
        let arguments = body.dropFirst("gs.dateGenerate(".count).dropLast().split(separator: ",").map { $0.filter { $0 != "'" && $0 != "\"" } }
        guard arguments.count == 2 else { throw EncodedQueryError(message: "gs.dateGenerate takes two arguments: '\(value)'") }
        let time = arguments[1] == "start" ? "00:00:00" : arguments[1] == "end" ? "23:59:59" : String(arguments[1])
        return "\(arguments[0]) \(time)"
    }
}
