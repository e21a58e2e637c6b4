import SyncScript
import TandemJSON
import XCTest

/// Every error names file:line:column, quotes the line, puts a caret under
/// the column and says what was expected or what went wrong.
final class ScriptErrorTests: XCTestCase {
    /// The full error text of parsing and running `source` as "t.sync".
    private func errorText(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let run = ScriptRun(try Script(source: source, file: "t.sync"))
            run.bind("replica", .object([:]))
            try run.run()
        } catch let error as ScriptError {
            return error.description
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return ""
        }
        XCTFail("the script ran without an error", file: file, line: line)
        return ""
    }

    // MARK: - Syntax errors

    func testUnterminatedString_pointsAtTheEndOfTheLine() {
        XCTAssertEqual(errorText("def s = \"abc\nprint(s)"), """
            t.sync:1:13: unterminated string: expected '"'
            def s = "abc
                        ^
            """)
    }

    func testUnexpectedCharacter_isNamed() {
        XCTAssertEqual(errorText("def x = 1 # 2"), """
            t.sync:1:11: unexpected character '#'
            def x = 1 # 2
                      ^
            """)
    }

    func testMissingClosingParenthesis_saysWhatWasExpected() {
        XCTAssertEqual(errorText("def x = (1 + 2\ndef y = 3"), """
            t.sync:2:1: expected ')' to close '(' but found 'def'
            def y = 3
            ^
            """)
    }

    func testMissingOperand_saysAnExpressionWasExpected() {
        XCTAssertEqual(errorText("def x = * 2"), """
            t.sync:1:9: expected an expression but found '*'
            def x = * 2
                    ^
            """)
    }

    func testAssignmentToALiteral_isRejected() {
        XCTAssertEqual(errorText("replica.a = 1\n1 = 2"), """
            t.sync:2:1: cannot assign to this expression; assign to a name, a member or an index
            1 = 2
            ^
            """)
    }

    func testElseWithoutIf_isRejected() {
        XCTAssertEqual(errorText("else { }"), """
            t.sync:1:1: 'else' without a matching 'if'
            else { }
            ^
            """)
    }

    func testBreakOutsideALoop_isRejected() {
        XCTAssertEqual(errorText("if (true) {\n  break\n}"), """
            t.sync:2:3: 'break' outside of a loop
              break
              ^
            """)
    }

    func testDuplicateDeclaration_namesTheVariable() {
        XCTAssertEqual(errorText("def a = 1\ndef a = 2"), """
            t.sync:2:5: 'a' is already declared in this scope
            def a = 2
                ^
            """)
    }

    func testUnterminatedBlockComment_pointsAtItsStart() {
        XCTAssertEqual(errorText("def a = 1 /* open\nstill open"), """
            t.sync:1:11: unterminated comment: expected '*/'
            def a = 1 /* open
                      ^
            """)
    }

    func testMissingClosingBrace_pointsAtTheEndOfTheScript() {
        XCTAssertEqual(errorText("if (true) {\n  replica.a = 1"), """
            t.sync:2:16: expected '}' to close the block but found end of script
              replica.a = 1
                           ^
            """)
    }

    func testInvalidEscape_isNamed() {
        XCTAssertEqual(errorText("def s = 'a\\qb'"), """
            t.sync:1:11: invalid escape '\\q' in string
            def s = 'a\\qb'
                      ^
            """)
    }

    func testTwoStatementsOnOneLine_needASemicolon() {
        XCTAssertEqual(errorText("def a = 1 def b = 2"), """
            t.sync:1:11: expected end of statement (a new line or ';') but found 'def'
            def a = 1 def b = 2
                      ^
            """)
    }

    // MARK: - Run-time errors

    func testMemberOfNull_namesTheMember() {
        XCTAssertEqual(errorText("def status = null\nreplica.status = status.name"), """
            t.sync:2:24: null has no member 'name'
            replica.status = status.name
                                   ^
            """)
    }

    func testMemberOfANumber_isAnError() {
        XCTAssertEqual(errorText("def n = 5\nreplica.x = n.name"), """
            t.sync:2:14: number has no member 'name'
            replica.x = n.name
                         ^
            """)
    }

    func testUnknownName_isNamed() {
        XCTAssertEqual(errorText("replica.a = isue.key"), """
            t.sync:1:13: unknown name 'isue'
            replica.a = isue.key
                        ^
            """)
    }

    func testUnknownFunction_isNamed() {
        XCTAssertEqual(errorText("replica.a = mapStatus('x')"), """
            t.sync:1:13: unknown function 'mapStatus'
            replica.a = mapStatus('x')
                        ^
            """)
    }

    func testDivisionByZero_isAnError() {
        XCTAssertEqual(errorText("def zero = 0\nreplica.a = 10 / zero"), """
            t.sync:2:16: division by zero
            replica.a = 10 / zero
                           ^
            """)
    }

    func testComparingAStringWithANumber_isAnError() {
        XCTAssertEqual(errorText("if (1 < 'a') { }"), """
            t.sync:1:7: cannot compare number with string using '<'
            if (1 < 'a') { }
                  ^
            """)
    }

    func testWrongArgumentCount_saysHowManyWereExpected() {
        XCTAssertEqual(errorText("def f(a, b) { a }\nf(1)"), """
            t.sync:2:1: function 'f' takes 2 arguments but got 1
            f(1)
            ^
            """)
    }

    func testMethodOnNull_suggestsNothingRanOnIt() {
        XCTAssertEqual(errorText("def labels = null\nreplica.n = labels.size()"), """
            t.sync:2:19: cannot call 'size()' on null
            replica.n = labels.size()
                              ^
            """)
    }

    func testUnknownMethod_namesTheTypeAndMethod() {
        XCTAssertEqual(errorText("replica.a = [1].sortBy()"), """
            t.sync:1:16: list has no method 'sortBy'
            replica.a = [1].sortBy()
                           ^
            """)
    }

    func testFirstOfAnEmptyList_isAnError() {
        XCTAssertEqual(errorText("replica.a = [].first()"), """
            t.sync:1:15: first() of an empty list
            replica.a = [].first()
                          ^
            """)
    }

    func testStringMethodUsedAsMember_saysToCallIt() {
        XCTAssertEqual(errorText("replica.a = 'abc'.length"), """
            t.sync:1:18: string has no member 'length'; call it as a method: length()
            replica.a = 'abc'.length
                             ^
            """)
    }

    func testCaret_keepsTabsSoItLinesUp() {
        XCTAssertEqual(errorText("if (true) {\n\treplica.a = null.x\n}"), """
            t.sync:2:18: null has no member 'x'
            \treplica.a = null.x
            \t                ^
            """)
    }

    func testColumn_countsCharactersNotBytes() {
        XCTAssertEqual(errorText("def é = 'ü'; replica.a = null.x"), """
            t.sync:1:5: unexpected character 'é'
            def é = 'ü'; replica.a = null.x
                ^
            """)
    }

    func testErrorKind_separatesSyntaxRuntimeAndLimit() throws {
        XCTAssertThrowsError(try Script(source: "def = 1")) { XCTAssertEqual(($0 as? ScriptError)?.kind, .syntax) }
        let run = ScriptRun(try Script(source: "null.x"))
        XCTAssertThrowsError(try run.run()) { XCTAssertEqual(($0 as? ScriptError)?.kind, .runtime) }
        let loop = ScriptRun(try Script(source: "while (true) {}"), limits: Limits(steps: 10))
        XCTAssertThrowsError(try loop.run()) { XCTAssertEqual(($0 as? ScriptError)?.kind, .limit) }
    }
}
