import Foundation
import TestSupport
import XCTest

/// The C SDK helpers (Sources/PluginAPI/sdk), compiled and run as a C author would.
final class CSDKTests: XCTestCase {
    func testTheHelpers_AnswerTheContractsFormsAndMapping() throws {
        let folder = TemporaryDirectory("tandem-sdk")
        let program = folder.file("sdk_check")
        try CCompiler.compile("cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-I", TestPaths.pluginHeaders, "-I", TestPaths.cSDK,
                                     TestPaths.fixture("sdk/sdk_check.c"), TestPaths.cSDK + "/tandem_sdk.c", "-lcjson", "-o", program])
        let result = try ChildProcess.run(program, [])
        XCTAssertEqual(result.stdout, """
            iso 2026-11-22T08:00:00.123Z
            iso 1969-12-31T23:59:59.999Z
            parse 1795334400123
            parse 1795338000000
            parse 1795334400500
            parse 1795336200123
            parse invalid
            parse invalid
            http 200 0
            http 400 4
            http 401 5
            http 403 4
            http 404 3
            http 409 4
            http 418 1
            http 422 4
            http 429 2
            http 500 1
            http 503 1
            http 0 1
            url a%20b%2Fc%3Fd%3D%C3%A9%26~
            base64 \u{20}
            base64 Zg== f
            base64 Zm8= fo
            base64 Zm9v foo
            base64 Zm9vYg== foob
            base64 invalid refused
            fail 2 {"message":"get: tracker answered HTTP 429: slow \\"down\\"","retry_after_ms":7000}

            """, result.stderr)
    }
}
