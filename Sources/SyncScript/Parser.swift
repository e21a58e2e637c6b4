/// What the parser hands the interpreter: the top-level body and the tables
/// that name-resolution built.
struct Program: Sendable {
    var body: [Stmt]
    var slotCount: Int
    /// Every name the script uses but does not declare: bindings and functions.
    var globalNames: [String]
    /// Script functions by global index; they are hoisted (callable before
    /// their definition).
    var functions: [(index: Int, decl: FunctionDecl)]
}

/// Recursive descent, one method per grammar rule, in precedence order
/// (statements here, expressions in Parser+Expressions.swift).
///
/// Invariant: every recursion and every operator-chain iteration goes through
/// `enter()`, so the tree's depth never exceeds `maxNesting` and neither the
/// parser, the evaluator nor the tree's deinit can exhaust the native stack.
struct Parser {
    var tokens: [Token]
    var position = 0
    let maxNesting: Int
    var nesting = 0
    let stack = StackGuard()
    var scope = Scope(parent: nil, isClosure: false)
    var globalIndex: [String: Int] = [:]
    var globalNames: [String] = []
    var functions: [(index: Int, decl: FunctionDecl)] = []

    static let keywords: Set<String> = ["def", "if", "else", "for", "while", "return", "break", "continue",
                                        "true", "false", "null", "in"]
    /// Type names accepted in place of `def` (`String name = …`), so that
    /// scripts written with Groovy's optional types parse unchanged.
    static let typeNames: Set<String> = ["String", "int", "Integer", "long", "Long", "boolean", "Boolean",
                                         "double", "Double", "BigDecimal", "Map", "List", "Object", "var"]

    init(tokens: [Token], maxNesting: Int) {
        self.tokens = tokens
        self.maxNesting = maxNesting
    }

    static func parse(_ source: [UInt8], limits: Limits) throws(Failure) -> Program {
        let tokens = try Lexer.tokens(source, maxNesting: limits.nesting)
        var parser = Parser(tokens: tokens, maxNesting: limits.nesting)
        let body = try parser.statements(until: .eof)
        return Program(body: body, slotCount: parser.scope.slotCount, globalNames: parser.globalNames,
                       functions: parser.functions)
    }

    // MARK: - Token helpers

    var current: Token { tokens[position] }
    func peek(_ offset: Int) -> Token { tokens[min(position + offset, tokens.count - 1)] }
    func isWord(_ word: String, at offset: Int = 0) -> Bool {
        let token = peek(offset)
        return token.kind == .identifier && token.text == word
    }

    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    mutating func match(_ kind: TokenKind) -> Bool {
        guard current.kind == kind else { return false }
        position += 1
        return true
    }

    @discardableResult
    mutating func expect(_ kind: TokenKind, _ context: String) throws(Failure) -> Token {
        guard current.kind == kind else {
            throw .syntax("expected '\(TokenKind.symbol(kind))' \(context) but found \(current.display)", current.loc)
        }
        return advance()
    }

    mutating func skipNewlines() { while current.kind == .newline { position += 1 } }

    /// Lets an expression continue on the next line when that line starts with
    /// one of the given kinds (a `.method()` chain, `? :`, `&&`, `||`); no statement
    /// can start with those.
    mutating func continueLine(_ first: TokenKind, _ second: TokenKind? = nil, _ third: TokenKind? = nil) {
        guard current.kind == .newline else { return }
        let next = peek(1).kind
        if next == first || next == second || next == third { position += 1 }
    }

    mutating func enter() throws(Failure) {
        nesting += 1
        if nesting > maxNesting {
            throw .limit("script nested deeper than \(maxNesting) levels; split the expression or use variables", current.loc)
        }
        if !stack.hasRoom { throw .limit("script nested too deeply for the native stack", current.loc) }
    }

    mutating func global(_ name: String) -> Int {
        if let index = globalIndex[name] { return index }
        globalNames.append(name)
        globalIndex[name] = globalNames.count - 1
        return globalNames.count - 1
    }

    // MARK: - Statements

    /// Statements up to (not including) `end`, each ended by a newline, `;`,
    /// or the closing token.
    mutating func statements(until end: TokenKind) throws(Failure) -> [Stmt] {
        var body: [Stmt] = []
        while true {
            while current.kind == .newline || current.kind == .semicolon { position += 1 }
            if current.kind == end || current.kind == .eof { break }
            if let statement = try statement() { body.append(statement) }
            switch current.kind {
            case .newline, .semicolon: position += 1
            case end, .eof: break
            default:
                throw .syntax("expected end of statement (a new line or ';') but found \(current.display)", current.loc)
            }
        }
        if current.kind != end {
            throw .syntax("expected '\(TokenKind.symbol(end))' to close the block but found end of script", current.loc)
        }
        return body
    }

    mutating func statement() throws(Failure) -> Stmt? {
        let token = current
        guard token.kind == .identifier else { return .expr(try expression(), token.loc) }
        switch token.text {
        case "def":
            position += 1
            if current.kind == .identifier, Self.typeNames.contains(current.text), peek(1).kind == .identifier {
                position += 1  // def String name
            }
            return try declarationOrFunction(token.loc)
        case _ where Self.typeNames.contains(token.text) && peek(1).kind == .identifier:
            position += 1
            return try declarationOrFunction(token.loc)
        case "if": return try ifStatement()
        case "for": return try forStatement()
        case "while": return try whileStatement()
        case "return":
            position += 1
            switch current.kind {
            case .newline, .semicolon, .rbrace, .eof: return .returnValue(nil, token.loc)
            default: return .returnValue(try expression(), token.loc)
            }
        case "break", "continue":
            position += 1
            guard scope.loopDepth > 0 else { throw .syntax("'\(token.text)' outside of a loop", token.loc) }
            return token.text == "break" ? .breakLoop(token.loc) : .continueLoop(token.loc)
        case "else":
            throw .syntax("'else' without a matching 'if'", token.loc)
        default:
            return .expr(try expression(), token.loc)
        }
    }

    mutating func declarationOrFunction(_ loc: Loc) throws(Failure) -> Stmt? {
        let nameToken = current
        guard nameToken.kind == .identifier, !Self.keywords.contains(nameToken.text) else {
            throw .syntax("expected a name after 'def' but found \(nameToken.display)", nameToken.loc)
        }
        position += 1
        if current.kind == .lparen {
            try function(named: nameToken)
            return nil
        }
        var value: Expr?
        guard let slot = scope.declare(nameToken.text) else {
            throw .syntax("'\(nameToken.text)' is already declared in this scope", nameToken.loc)
        }
        if match(.assign) {
            skipNewlines()
            value = try expression()
        }
        return .declare(slot: slot, value, nameToken.loc)
    }

    /// `def name(a, b) { … }`: a hoisted global function.
    mutating func function(named nameToken: Token) throws(Failure) {
        if nesting > 0 || scope.parent != nil {
            throw .syntax("functions can only be defined at the top level of a script", nameToken.loc)
        }
        let index = global(nameToken.text)
        if functions.contains(where: { $0.index == index }) {
            throw .syntax("function '\(nameToken.text)' is already defined", nameToken.loc)
        }
        try expect(.lparen, "after the function name")
        let outer = scope
        scope = Scope(parent: outer, isClosure: false)
        defer { scope = outer }
        var parameters: [String] = []
        if current.kind != .rparen {
            repeat {
                if current.kind == .identifier, Self.typeNames.contains(current.text) || current.text == "def",
                   peek(1).kind == .identifier {
                    position += 1
                }
                let parameter = try expect(.identifier, "as a parameter name")
                guard scope.declare(parameter.text) != nil else {
                    throw .syntax("parameter '\(parameter.text)' is declared twice", parameter.loc)
                }
                parameters.append(parameter.text)
            } while match(.comma)
        }
        try expect(.rparen, "after the parameters")
        try expect(.lbrace, "to start the function body")
        try enter()
        let body = try statements(until: .rbrace)
        nesting -= 1
        position += 1
        functions.append((index, FunctionDecl(name: nameToken.text, parameters: parameters, slotCount: scope.slotCount,
                                              body: body, isClosure: false, loc: nameToken.loc)))
    }

    /// A braced block in a new block scope, or a single statement.
    mutating func body() throws(Failure) -> [Stmt] {
        skipNewlines()
        try enter()
        defer { nesting -= 1 }
        scope.pushBlock()
        defer { scope.popBlock() }
        if match(.lbrace) {
            let body = try statements(until: .rbrace)
            position += 1
            return body
        }
        guard let single = try statement() else { return [] }
        return [single]
    }

    mutating func condition(_ keyword: String) throws(Failure) -> Expr {
        try expect(.lparen, "after '\(keyword)'")
        let value = try expression()
        try expect(.rparen, "after the \(keyword) condition")
        return value
    }

    mutating func ifStatement() throws(Failure) -> Stmt {
        let loc = advance().loc
        var conditions = [try condition("if")]
        var bodies = [try body()]
        var otherwise: [Stmt]?
        while true {
            if current.kind == .newline, peek(1).kind == .identifier, peek(1).text == "else" { position += 1 }
            guard isWord("else") else { break }
            position += 1
            if isWord("if") {
                position += 1
                conditions.append(try condition("if"))
                bodies.append(try body())
            } else {
                otherwise = try body()
                break
            }
        }
        return .ifChain(conditions: conditions, bodies: bodies, otherwise: otherwise, loc)
    }

    mutating func forStatement() throws(Failure) -> Stmt {
        let loc = advance().loc
        try expect(.lparen, "after 'for'")
        if current.kind == .identifier, Self.typeNames.contains(current.text) || current.text == "def",
           peek(1).kind == .identifier {
            position += 1
        }
        let name = try expect(.identifier, "as the loop variable")
        guard isWord("in") || current.kind == .colon else {
            throw .syntax("expected 'in' after the loop variable but found \(current.display)", current.loc)
        }
        position += 1
        let sequence = try expression()
        try expect(.rparen, "after the loop's collection")
        scope.pushBlock()
        defer { scope.popBlock() }
        guard let slot = scope.declare(name.text) else { throw .syntax("duplicate loop variable", name.loc) }
        scope.loopDepth += 1
        defer { scope.loopDepth -= 1 }
        return .forIn(slot: slot, sequence, try body(), loc)
    }

    mutating func whileStatement() throws(Failure) -> Stmt {
        let loc = advance().loc
        let test = try condition("while")
        scope.loopDepth += 1
        defer { scope.loopDepth -= 1 }
        return .whileLoop(test, try body(), loc)
    }
}
