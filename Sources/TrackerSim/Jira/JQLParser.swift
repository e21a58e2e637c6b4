/// Parses the JQL subset the simulator serves (see docs/simulators.md):
///
///     query     := [orExpr] [ORDER BY field [ASC|DESC] {, field [ASC|DESC]}]
///     orExpr    := andExpr {OR andExpr}
///     andExpr   := notExpr {AND notExpr}
///     notExpr   := NOT notExpr | '(' orExpr ')' | clause
///     clause    := field op value | field [NOT] IN '(' value {, value} ')' | field IS [NOT] EMPTY
///
/// Keywords and field names are case-insensitive; values are bare words, "…" or '…'.
struct JQLParser {
    private enum Token: Equatable {
        case word(String)      // bare word: field, value, keyword
        case quoted(String)    // "…" or '…'
        case symbol(String)    // ( ) , = != > >= < <= ~ !~
    }

    private var tokens: [Token] = []
    private var position = 0

    static func parse(_ text: String) throws(JQLError) -> JQLQuery {
        var parser = JQLParser()
        parser.tokens = try tokenize(text)
        return try parser.parseQuery()
    }

    // MARK: - Tokens

    private static func tokenize(_ text: String) throws(JQLError) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var index = 0
        while index < chars.count {
            let c = chars[index]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { index += 1; continue }
            if c == "(" || c == ")" || c == "," || c == "=" || c == "~" {
                tokens.append(.symbol(String(c))); index += 1; continue
            }
            if c == "!" || c == ">" || c == "<" {
                let next = index + 1 < chars.count ? chars[index + 1] : " "
                if next == "=" || (c == "!" && next == "~") {
                    tokens.append(.symbol(String([c, next]))); index += 2; continue
                }
                guard c != "!" else { throw JQLError(message: "Error in the JQL Query: the character '!' must be followed by '=' or '~' (at position \(index)).") }
                tokens.append(.symbol(String(c))); index += 1; continue
            }
            if c == "\"" || c == "'" {
                var value = ""
                var cursor = index + 1
                var closed = false
                while cursor < chars.count {
                    let d = chars[cursor]
                    if d == "\\", cursor + 1 < chars.count { value.append(chars[cursor + 1]); cursor += 2; continue }
                    if d == c { closed = true; break }
                    value.append(d); cursor += 1
                }
                guard closed else { throw JQLError(message: "Error in the JQL Query: unterminated quote starting at position \(index).") }
                tokens.append(.quoted(value)); index = cursor + 1; continue
            }
            var word = ""
            while index < chars.count {
                let d = chars[index]
                if " \t\n\r(),=~!<>\"'".contains(d) {
                    // `cf[10010]` keeps its brackets; `(` ends the word except in a function call.
                    if d == "(" && index + 1 < chars.count && chars[index + 1] == ")" && !word.isEmpty {
                        word += "()"; index += 2
                    }
                    break
                }
                word.append(d); index += 1
            }
            tokens.append(.word(word))
        }
        return tokens
    }

    // MARK: - Grammar

    private var current: Token? { position < tokens.count ? tokens[position] : nil }

    private func isKeyword(_ token: Token?, _ keyword: String) -> Bool {
        if case .word(let word)? = token { return word.lowercased() == keyword }
        return false
    }

    private mutating func parseQuery() throws(JQLError) -> JQLQuery {
        var condition: JQLQuery.Condition?
        if current != nil && !(isKeyword(current, "order") && isKeyword(peek(1), "by")) {
            condition = try parseOr()
        }
        var orders: [JQLQuery.Order] = []
        if isKeyword(current, "order") {
            position += 1
            guard isKeyword(current, "by") else { throw JQLError(message: "Error in the JQL Query: expecting 'by' after 'order'.") }
            position += 1
            repeat {
                if current == .symbol(",") { position += 1 }
                guard let field = fieldName(current) else { throw JQLError(message: "Error in the JQL Query: expecting a field name after 'order by'.") }
                position += 1
                var ascending = true
                if isKeyword(current, "asc") { position += 1 } else if isKeyword(current, "desc") { ascending = false; position += 1 }
                orders.append(.init(field: field, ascending: ascending))
            } while current == .symbol(",")
        }
        if let extra = current {
            throw JQLError(message: "Error in the JQL Query: unexpected '\(describe(extra))' at token \(position + 1).")
        }
        return JQLQuery(condition: condition, orderBy: orders)
    }

    private func peek(_ offset: Int) -> Token? {
        position + offset < tokens.count ? tokens[position + offset] : nil
    }

    private mutating func parseOr() throws(JQLError) -> JQLQuery.Condition {
        var left = try parseAnd()
        while isKeyword(current, "or") || current == .symbol("||") {
            position += 1
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(JQLError) -> JQLQuery.Condition {
        var left = try parseNot()
        while isKeyword(current, "and") {
            position += 1
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws(JQLError) -> JQLQuery.Condition {
        if isKeyword(current, "not") {
            position += 1
            return .not(try parseNot())
        }
        if current == .symbol("(") {
            position += 1
            let inner = try parseOr()
            guard current == .symbol(")") else { throw JQLError(message: "Error in the JQL Query: expecting ')' at token \(position + 1).") }
            position += 1
            return inner
        }
        return try parseClause()
    }

    private func fieldName(_ token: Token?) -> String? {
        switch token {
        case .word(let word)?: return word.lowercased()
        case .quoted(let text)?: return text.lowercased()
        default: return nil
        }
    }

    private mutating func parseClause() throws(JQLError) -> JQLQuery.Condition {
        guard let field = fieldName(current), !["and", "or", "order"].contains(field) else {
            throw JQLError(message: current == nil ? "Error in the JQL Query: the query ends where a field name was expected."
                                                    : "Error in the JQL Query: expecting a field name but got '\(describe(current!))'.")
        }
        position += 1
        let op: JQLQuery.Operator
        switch current {
        case .symbol(let symbol)? where JQLQuery.Operator(rawValue: symbol) != nil:
            op = JQLQuery.Operator(rawValue: symbol)!
            position += 1
        case .word(let word)? where word.lowercased() == "in":
            op = .in; position += 1
        case .word(let word)? where word.lowercased() == "not" && isKeyword(peek(1), "in"):
            op = .notIn; position += 2
        case .word(let word)? where word.lowercased() == "is":
            position += 1
            if isKeyword(current, "not") { position += 1; op = .isNot } else { op = .is }
        default:
            throw JQLError(message: "Error in the JQL Query: expecting an operator after the field '\(field)'.")
        }
        var values: [JQLQuery.Value] = []
        if op == .in || op == .notIn {
            guard current == .symbol("(") else { throw JQLError(message: "Error in the JQL Query: expecting '(' after '\(op.rawValue)'.") }
            position += 1
            while true {
                values.append(try parseValue(field: field))
                if current == .symbol(",") { position += 1; continue }
                guard current == .symbol(")") else { throw JQLError(message: "Error in the JQL Query: expecting ',' or ')' in the list for '\(field)'.") }
                position += 1
                break
            }
        } else {
            values.append(try parseValue(field: field))
        }
        if (op == .is || op == .isNot) && values != [.empty] {
            throw JQLError(message: "Error in the JQL Query: 'is' and 'is not' take only EMPTY or NULL.")
        }
        return .clause(field: field, op: op, values: values)
    }

    private mutating func parseValue(field: String) throws(JQLError) -> JQLQuery.Value {
        switch current {
        case .quoted(let text)?:
            position += 1
            return .literal(text)
        case .word(let word)?:
            let lower = word.lowercased()
            if ["and", "or", "order"].contains(lower) { break }
            position += 1
            if lower == "empty" || lower == "null" { return .empty }
            if word.hasSuffix("()") { return .function(String(lower.dropLast(2))) }
            return .literal(word)
        default:
            break
        }
        throw JQLError(message: "Error in the JQL Query: expecting a value for the field '\(field)'.")
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .word(let word): return word
        case .quoted(let text): return "\"\(text)\""
        case .symbol(let symbol): return symbol
        }
    }
}
