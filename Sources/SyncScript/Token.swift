/// A position in a script: 1-based line and 1-based UTF-8 byte column.
///
/// Errors turn the byte column into a character column when they quote the line.
struct Loc: Sendable, Equatable {
    var line: Int32
    var column: Int32
    static let none = Loc(line: 0, column: 0)
}

/// The kinds of token the lexer produces.
///
/// A double-quoted string is a run of tokens: `stringBegin`, then any mix of
/// `stringText` and `interpBegin … interpEnd` (the `${expr}` parts), then
/// `stringEnd`. Single-quoted strings are one `string` token.
enum TokenKind: UInt8, Sendable {
    case identifier, int, double, string
    case stringBegin, stringText, interpBegin, interpEnd, stringEnd
    case lparen, rparen, lbracket, rbracket, lbrace, rbrace
    case comma, colon, semicolon, newline
    case dot, safeDot, spreadDot, question, elvis, arrow
    case plus, minus, star, slash, percent, bang
    case assign, plusAssign, minusAssign
    case equal, notEqual, less, lessEqual, greater, greaterEqual
    case and, or
    case eof
}

/// One token: its kind, its text (identifiers and string parts, already
/// unescaped) or number, and where it starts.
struct Token: Sendable {
    var kind: TokenKind
    var text: String = ""
    var int: Int64 = 0
    var double: Double = 0
    var loc: Loc
    /// True when a newline or the start of the script came before this token;
    /// a trailing closure `{` must be on the same line as its call.
    var atLineStart = false

    /// How the token reads in an error message ("expected ')' but found 'else'").
    var display: String {
        switch kind {
        case .identifier: return "'\(text)'"
        case .int, .double: return "number"
        case .string, .stringBegin: return "string"
        case .stringText, .interpBegin, .interpEnd, .stringEnd: return "string"
        case .newline: return "end of line"
        case .eof: return "end of script"
        default: return "'\(TokenKind.symbol(kind))'"
        }
    }
}

extension TokenKind {
    /// The source spelling of a punctuation or operator token.
    static func symbol(_ kind: TokenKind) -> String {
        switch kind {
        case .lparen: return "("
        case .rparen: return ")"
        case .lbracket: return "["
        case .rbracket: return "]"
        case .lbrace: return "{"
        case .rbrace: return "}"
        case .comma: return ","
        case .colon: return ":"
        case .semicolon: return ";"
        case .dot: return "."
        case .safeDot: return "?."
        case .spreadDot: return "*."
        case .question: return "?"
        case .elvis: return "?:"
        case .arrow: return "->"
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .percent: return "%"
        case .bang: return "!"
        case .assign: return "="
        case .plusAssign: return "+="
        case .minusAssign: return "-="
        case .equal: return "=="
        case .notEqual: return "!="
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        case .and: return "&&"
        case .or: return "||"
        case .newline: return "end of line"
        case .eof: return "end of script"
        default: return "\(kind)"
        }
    }
}
