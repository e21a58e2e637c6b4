import XCTest

/// The language, construct by construct, as golden `.sync` files
/// (Fixtures/lang/<feature>/; see GoldenScript for the format).
final class GoldenScriptTests: XCTestCase {
    func testLiterals_printTheirValues() throws { try GoldenScript.check("literal") }
    func testStrings_interpolateEscapeAndHaveMethods() throws { try GoldenScript.check("string") }
    func testOperators_followGroovySemantics() throws { try GoldenScript.check("operator") }
    func testTruthiness_followsGroovyTruth() throws { try GoldenScript.check("truthiness") }
    func testVariables_areScopedByBlock() throws { try GoldenScript.check("variable") }
    func testControlFlow_ifForWhileBreakContinueReturn() throws { try GoldenScript.check("control") }
    func testFunctions_areHoistedAndRecursive() throws { try GoldenScript.check("function") }
    func testClosures_captureParametersAndImplicitIt() throws { try GoldenScript.check("closure") }
    func testListMethods_behaveAsDocumented() throws { try GoldenScript.check("list") }
    func testMapMethods_behaveAsDocumented() throws { try GoldenScript.check("map") }
    func testMemberAccess_safeNavigationAndAssignment() throws { try GoldenScript.check("member") }
    func testComments_areIgnored() throws { try GoldenScript.check("comment") }
    func testLimits_endTheRunWithALimitError() throws { try GoldenScript.check("limit") }
}
