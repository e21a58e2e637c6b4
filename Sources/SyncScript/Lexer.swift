import TandemJSON

/// Turns script bytes into tokens, all at once.
///
/// Newlines end statements, so the lexer emits `newline` tokens, except inside
/// `( )`, `[ ]` and `${ }`, where a statement cannot end (a `{` inside those
/// starts a closure body, where newlines count again). Runs of blank lines
/// collapse into one `newline`.
///
/// Interpolated strings need no recursion: a mode stack remembers whether we
/// are inside string text or inside the code of a `${…}`; its depth is bounded
/// by `Limits.nesting`.
struct Lexer {
    private let bytes: [UInt8]
    private let maxNesting: Int
    private var index = 0
    private var line: Int32 = 1
    private var lineStart = 0
    private var tokens: [Token] = []
    /// Open groups: `(`, `[`, `{`, or `$` for the code of an interpolation.
    private var groups: [UInt8] = []
    /// For each open interpolation, the `groups` depth at its `${`.
    private var interpolations: [Int] = []
    private var sawNewline = true
    /// Just after the last token, where "found end of script" points.
    private var lastEnd = Loc(line: 1, column: 1)

    init(_ bytes: [UInt8], maxNesting: Int) {
        self.bytes = bytes
        self.maxNesting = maxNesting
    }

    static func tokens(_ bytes: [UInt8], maxNesting: Int) throws(Failure) -> [Token] {
        var lexer = Lexer(bytes, maxNesting: maxNesting)
        try lexer.run()
        return lexer.tokens
    }

    private var loc: Loc { Loc(line: line, column: Int32(index - lineStart + 1)) }

    private func peek(_ offset: Int = 0) -> UInt8 {
        index + offset < bytes.count ? bytes[index + offset] : 0
    }

    private mutating func emit(_ kind: TokenKind, _ loc: Loc, text: String = "") {
        if kind == .newline {
            if sawNewline { return }
            if let top = groups.last, top != UInt8(ascii: "{") { return }
        }
        tokens.append(Token(kind: kind, text: text, loc: loc, atLineStart: sawNewline))
        sawNewline = kind == .newline
    }

    private mutating func open(_ group: UInt8, _ at: Loc) throws(Failure) {
        if groups.count >= maxNesting * 2 {
            throw .limit("script nested deeper than \(maxNesting) levels", at)
        }
        groups.append(group)
    }

    private mutating func run() throws(Failure) {
        while true {
            if let depth = interpolations.last, groups.count == depth {
                // Back in the text of a double-quoted string.
                try scanStringText()
                continue
            }
            guard try skipSpace() else { break }
            try scanToken()
            lastEnd = loc
        }
        emit(.newline, lastEnd)
        tokens.append(Token(kind: .eof, loc: lastEnd, atLineStart: true))
    }

    /// Skips blanks and comments, emitting newlines; false at the end of input.
    private mutating func skipSpace() throws(Failure) -> Bool {
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
                index += 1
            } else if c == UInt8(ascii: "\n") {
                emit(.newline, loc)
                newLine()
            } else if c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "/") {
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else if c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
                let start = loc
                index += 2
                while true {
                    guard index < bytes.count else { throw .syntax("unterminated comment: expected '*/'", start) }
                    if bytes[index] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") { index += 2; break }
                    if bytes[index] == UInt8(ascii: "\n") { newLine() } else { index += 1 }
                }
            } else if c == UInt8(ascii: "\\") && peek(1) == UInt8(ascii: "\n") {
                index += 1
                newLine()  // an explicit line continuation
            } else {
                return true
            }
        }
        if let open = interpolations.last, open <= groups.count {
            throw .syntax("unterminated string: expected '\"'", loc)
        }
        return false
    }

    private mutating func newLine() {
        index += 1
        line += 1
        lineStart = index
    }

    private mutating func scanToken() throws(Failure) {
        let start = loc
        let c = bytes[index]
        if isIdentifierStart(c) {
            let begin = index
            while index < bytes.count && isIdentifierPart(bytes[index]) { index += 1 }
            emit(.identifier, start, text: String(decoding: bytes[begin..<index], as: UTF8.self))
            return
        }
        if isDigit(c) { return try scanNumber(start) }
        index += 1
        let next = peek()
        switch c {
        case UInt8(ascii: "("): try open(c, start); emit(.lparen, start)
        case UInt8(ascii: "["): try open(c, start); emit(.lbracket, start)
        case UInt8(ascii: "{"): try open(c, start); emit(.lbrace, start)
        case UInt8(ascii: ")"): close(); emit(.rparen, start)
        case UInt8(ascii: "]"): close(); emit(.rbracket, start)
        case UInt8(ascii: "}"):
            if let depth = interpolations.last, groups.count == depth + 1 {
                groups.removeLast()  // the `$` of `${`
                emit(.interpEnd, start)
                return
            }
            close()
            emit(.rbrace, start)
        case UInt8(ascii: ","): emit(.comma, start)
        case UInt8(ascii: ":"): emit(.colon, start)
        case UInt8(ascii: ";"): emit(.semicolon, start)
        case UInt8(ascii: "."): emit(.dot, start)
        case UInt8(ascii: "?"):
            if next == UInt8(ascii: ".") { index += 1; emit(.safeDot, start) }
            else if next == UInt8(ascii: ":") { index += 1; emit(.elvis, start) }
            else { emit(.question, start) }
        case UInt8(ascii: "*"):
            if next == UInt8(ascii: ".") { index += 1; emit(.spreadDot, start) } else { emit(.star, start) }
        case UInt8(ascii: "+"):
            if next == UInt8(ascii: "=") { index += 1; emit(.plusAssign, start) } else { emit(.plus, start) }
        case UInt8(ascii: "-"):
            if next == UInt8(ascii: "=") { index += 1; emit(.minusAssign, start) }
            else if next == UInt8(ascii: ">") { index += 1; emit(.arrow, start) }
            else { emit(.minus, start) }
        case UInt8(ascii: "/"): emit(.slash, start)
        case UInt8(ascii: "%"): emit(.percent, start)
        case UInt8(ascii: "!"):
            if next == UInt8(ascii: "=") { index += 1; emit(.notEqual, start) } else { emit(.bang, start) }
        case UInt8(ascii: "="):
            if next == UInt8(ascii: "=") { index += 1; emit(.equal, start) } else { emit(.assign, start) }
        case UInt8(ascii: "<"):
            if next == UInt8(ascii: "=") { index += 1; emit(.lessEqual, start) } else { emit(.less, start) }
        case UInt8(ascii: ">"):
            if next == UInt8(ascii: "=") { index += 1; emit(.greaterEqual, start) } else { emit(.greater, start) }
        case UInt8(ascii: "&"):
            guard next == UInt8(ascii: "&") else { throw .syntax("unexpected '&': did you mean '&&'?", start) }
            index += 1
            emit(.and, start)
        case UInt8(ascii: "|"):
            guard next == UInt8(ascii: "|") else { throw .syntax("unexpected '|': did you mean '||'?", start) }
            index += 1
            emit(.or, start)
        case UInt8(ascii: "'"): try scanSingleQuoted(start)
        case UInt8(ascii: "\""):
            if interpolations.count >= maxNesting {
                throw .limit("script nested deeper than \(maxNesting) levels", start)
            }
            emit(.stringBegin, start)
            interpolations.append(groups.count)
        default:
            index -= 1
            throw .syntax("unexpected character \(describe(at: index))", start)
        }
    }

    private mutating func close() {
        if !groups.isEmpty, groups.last != UInt8(ascii: "$") { groups.removeLast() }
    }

    private mutating func scanNumber(_ start: Loc) throws(Failure) {
        let begin = index
        while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        var isDecimal = false
        if peek() == UInt8(ascii: "."), isDigit(peek(1)) {
            isDecimal = true
            index += 1
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if isIdentifierStart(peek()) {
            throw .syntax("unexpected \(describe(at: index)) after a number", loc)
        }
        let text = String(decoding: bytes[begin..<index], as: UTF8.self)
        if isDecimal {
            guard let value = Double(text) else { throw .syntax("invalid number \(text)", start) }
            var token = Token(kind: .double, loc: start, atLineStart: sawNewline)
            token.double = value
            tokens.append(token)
        } else {
            guard let value = Int64(text) else { throw .syntax("integer \(text) is too large", start) }
            var token = Token(kind: .int, loc: start, atLineStart: sawNewline)
            token.int = value
            tokens.append(token)
        }
        sawNewline = false
    }

    private mutating func scanSingleQuoted(_ start: Loc) throws(Failure) {
        var text: [UInt8] = []
        while true {
            guard index < bytes.count, bytes[index] != UInt8(ascii: "\n") else {
                throw .syntax("unterminated string: expected \"'\"", start)
            }
            let c = bytes[index]
            if c == UInt8(ascii: "'") { index += 1; break }
            if c == UInt8(ascii: "\\") { try scanEscape(into: &text) } else { text.append(c); index += 1 }
        }
        emit(.string, start, text: String(decoding: text, as: UTF8.self))
    }

    /// Scans string text up to `"`, `${` or `$name`, emitting what it finds.
    private mutating func scanStringText() throws(Failure) {
        var text: [UInt8] = []
        let start = loc
        func flush(_ lexer: inout Lexer) {
            if !text.isEmpty { lexer.emit(.stringText, start, text: String(decoding: text, as: UTF8.self)) }
        }
        while true {
            guard index < bytes.count, bytes[index] != UInt8(ascii: "\n") else {
                throw .syntax("unterminated string: expected '\"'", loc)
            }
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                flush(&self)
                emit(.stringEnd, loc)
                index += 1
                interpolations.removeLast()
                return
            }
            if c == UInt8(ascii: "$") && peek(1) == UInt8(ascii: "{") {
                flush(&self)
                let at = loc
                try open(UInt8(ascii: "$"), at)
                emit(.interpBegin, at)
                index += 2
                return
            }
            if c == UInt8(ascii: "$") && isIdentifierStart(peek(1)) && peek(1) != UInt8(ascii: "$") {
                flush(&self)
                scanDollarPath()
                return
            }
            if c == UInt8(ascii: "\\") { try scanEscape(into: &text) } else { text.append(c); index += 1 }
        }
    }

    /// `$name` and `$name.member.member` inside a double-quoted string.
    private mutating func scanDollarPath() {
        emit(.interpBegin, loc)
        index += 1
        while true {
            let start = loc
            let begin = index
            while index < bytes.count && isIdentifierPart(bytes[index]) && bytes[index] != UInt8(ascii: "$") { index += 1 }
            emit(.identifier, start, text: String(decoding: bytes[begin..<index], as: UTF8.self))
            guard peek() == UInt8(ascii: "."), isIdentifierStart(peek(1)), peek(1) != UInt8(ascii: "$") else { break }
            emit(.dot, loc)
            index += 1
        }
        emit(.interpEnd, loc)
    }

    private mutating func scanEscape(into text: inout [UInt8]) throws(Failure) {
        let at = loc
        index += 1
        guard index < bytes.count else { throw .syntax("unterminated string", at) }
        let c = bytes[index]
        index += 1
        if let byte = Escapes.control(c) {
            text.append(byte)
            return
        }
        switch c {
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "$"): text.append(c)
        case UInt8(ascii: "u"):
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard index < bytes.count, let digit = Escapes.hexDigit(bytes[index]) else {
                    throw .syntax("invalid escape: \\u needs four hex digits", at)
                }
                value = value * 16 + digit
                index += 1
            }
            guard let scalar = Unicode.Scalar(value) else { throw .syntax("invalid escape: \\u is not a character", at) }
            Escapes.append(scalar, to: &text)
        default:
            index -= 1
            throw .syntax("invalid escape '\\\(describeByte(c))' in string", at)
        }
    }

    private func describe(at position: Int) -> String {
        guard position < bytes.count else { return "end of script" }
        return "'\(describeByte(bytes[position]))'"
    }

    private func describeByte(_ c: UInt8) -> String {
        if c >= 0x20 && c < 0x7F { return String(UnicodeScalar(c)) }
        if c >= 0x80 {
            // Show the whole character when the bytes form one.
            var end = index + 1
            while end < bytes.count, end < index + 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
            let text = String(decoding: bytes[index..<end], as: UTF8.self)
            if !text.contains("\u{FFFD}") { return text }
        }
        return "\\u{\(String(c, radix: 16))}"
    }
}

@inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

@inline(__always) func isIdentifierStart(_ c: UInt8) -> Bool {
    (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
        || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")
}

@inline(__always) func isIdentifierPart(_ c: UInt8) -> Bool { isIdentifierStart(c) || isDigit(c) }

