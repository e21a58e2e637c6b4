/// The sandbox limits of one run (and of parsing). Exceeding one ends the run
/// with a `ScriptError` of kind `.limit`; nothing hangs and nothing crashes.
///
/// Invariant: every loop in the interpreter either counts steps or is bounded
/// by a collection or string that these limits bound, and every recursion in
/// the lexer, parser and interpreter is bounded by `maxNesting`,
/// `maxCallDepth` or the native-stack guard.
public struct Limits: Sendable, Equatable {
    /// Statements, loop iterations, calls and elements visited by collection
    /// methods, per run.
    public static let defaultSteps = 1_000_000
    /// Nested calls of script functions and closures.
    public static let defaultCallDepth = 200
    /// Characters (UTF-8 bytes) in any string a script builds.
    public static let defaultStringLength = 1 << 20
    /// Elements of any list or entries of any map a script builds.
    public static let defaultCollectionSize = 100_000
    /// Syntactic nesting: parentheses, blocks, closures, operator chains.
    /// Bounds the parser's and the evaluator's recursion (native stack).
    public static let defaultNesting = 100

    public var steps = Limits.defaultSteps
    public var callDepth = Limits.defaultCallDepth
    public var stringLength = Limits.defaultStringLength
    public var collectionSize = Limits.defaultCollectionSize
    public var nesting = Limits.defaultNesting

    public init() {}

    public init(steps: Int = Limits.defaultSteps, callDepth: Int = Limits.defaultCallDepth,
                stringLength: Int = Limits.defaultStringLength,
                collectionSize: Int = Limits.defaultCollectionSize, nesting: Int = Limits.defaultNesting) {
        self.steps = steps
        self.callDepth = callDepth
        self.stringLength = stringLength
        self.collectionSize = collectionSize
        self.nesting = nesting
    }

    public static let `default` = Limits()
}
