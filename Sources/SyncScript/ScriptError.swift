/// A syntax or run-time error of a script, with where it happened.
///
/// `description` is the operator-facing text: `file:line:column: message`, then
/// the source line, then a caret under the column:
///
///     mapping.sync:3:22: null has no member 'name'
///     replica.status = x.name
///                       ^
public struct ScriptError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The script does not parse; nothing ran.
        case syntax
        /// The script failed while running (bad operand, unknown name, host error).
        case runtime
        /// A sandbox limit (steps, depth, size) ended the run.
        case limit
    }

    public let kind: Kind
    public let message: String
    public let file: String
    /// 1-based; 0 when the error has no position in the script.
    public let line: Int
    /// 1-based character column; 0 when the error has no position.
    public let column: Int
    /// The quoted source line, without its newline; empty when there is none.
    public let sourceLine: String

    public var description: String {
        guard line > 0 else { return "\(file): \(message)" }
        var caret = ""
        for character in sourceLine.prefix(max(0, column - 1)) {
            caret.append(character == "\t" ? "\t" : " ")
        }
        return "\(file):\(line):\(column): \(message)\n\(sourceLine)\n\(caret)^"
    }
}

/// The error the lexer, parser and interpreter throw inside the module; the
/// public entry points turn it into a `ScriptError` with the file and line.
struct Failure: Error {
    var kind: ScriptError.Kind
    var message: String
    var loc: Loc

    static func syntax(_ message: String, _ loc: Loc) -> Failure { Failure(kind: .syntax, message: message, loc: loc) }
    static func runtime(_ message: String, _ loc: Loc) -> Failure { Failure(kind: .runtime, message: message, loc: loc) }
    static func limit(_ message: String, _ loc: Loc) -> Failure { Failure(kind: .limit, message: message, loc: loc) }

    /// Resolves the position against the script's source.
    func scriptError(file: String, source: [UInt8]) -> ScriptError {
        guard loc.line > 0 else {
            return ScriptError(kind: kind, message: message, file: file, line: 0, column: 0, sourceLine: "")
        }
        var start = 0
        var line: Int32 = 1
        while line < loc.line, start < source.count {
            if source[start] == UInt8(ascii: "\n") { line += 1 }
            start += 1
        }
        var end = start
        while end < source.count, source[end] != UInt8(ascii: "\n"), source[end] != UInt8(ascii: "\r") { end += 1 }
        let byteColumn = min(max(Int(loc.column) - 1, 0), end - start)
        let prefix = String(decoding: source[start..<(start + byteColumn)], as: UTF8.self)
        return ScriptError(kind: kind, message: message, file: file, line: Int(loc.line),
                           column: prefix.count + 1,
                           sourceLine: String(decoding: source[start..<end], as: UTF8.self))
    }
}
