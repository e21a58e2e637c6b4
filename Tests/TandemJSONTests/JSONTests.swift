import TandemJSON
import XCTest

final class JSONTests: XCTestCase {
    func testParse_ScalarsAndNesting() throws {
        let value = try JSON(parsing: #"{"a": [1, -2.5, true, false, null], "b": {"c": "d"}}"#)
        XCTAssertEqual(value, ["a": [1, -2.5, true, false, nil], "b": ["c": "d"]])
    }

    func testParse_IntegersStayIntegers_FractionsBecomeDoubles() throws {
        XCTAssertEqual(try JSON(parsing: "9007199254740993"), .int(9_007_199_254_740_993))
        XCTAssertEqual(try JSON(parsing: "1e2"), .double(100))
        XCTAssertEqual(try JSON(parsing: "1.0"), .double(1))
    }

    func testParse_EscapesAndSurrogatePairs() throws {
        XCTAssertEqual(try JSON(parsing: #""a\"b\\c\/\n\t\u00e9\ud83d\ude00""#), .string("a\"b\\c/\n\té😀"))
    }

    func testParse_TextBetweenEscapesIsKeptWhole() throws {
        // A webhook body travels to the connector as a string full of escapes.
        let body: JSON = ["issue": ["summary": "Printer \"jam\" on floor 3 \\ café 😀", "tags": ["a", "b"]]]
        let call: JSON = ["body": .string(body.text), "headers": ["x": "y"]]
        let parsed = try JSON(parsing: call.serialized())
        XCTAssertEqual(parsed, call)
        XCTAssertEqual(try JSON(parsing: parsed["body"]?.stringValue ?? ""), body)
    }

    func testParse_AControlCharacterAfterAnEscape_IsRejected() {
        XCTAssertThrowsError(try JSON(parsing: "\"a\\nbc\u{01}d\"")) { error in
            XCTAssertEqual((error as? JSONError)?.message, "control character in string")
        }
    }

    func testParse_ARepeatedKeyKeepsItsLastValue() throws {
        XCTAssertEqual(try JSON(parsing: #"{"a": 1, "b": 2, "a": 3}"#), ["a": 3, "b": 2])
        XCTAssertEqual(try JSON(parsing: "{}"), .object([:]))
    }

    func testSerialize_SortsKeysAndRoundTrips() throws {
        let value: JSON = ["z": 1, "a": ["x": "line\nbreak\u{1}"], "m": [1.5, nil]]
        XCTAssertEqual(value.text, #"{"a":{"x":"line\nbreak\u0001"},"m":[1.5,null],"z":1}"#)
        XCTAssertEqual(try JSON(parsing: value.serialized()), value)
    }

    func testSerialize_WholeDoubleKeepsFractionMark() {
        XCTAssertEqual(JSON.double(3).text, "3.0")
        XCTAssertEqual(try JSON(parsing: JSON.double(3).text), .double(3))
    }

    func testParse_RejectsMalformedInput_WithOffset() {
        let cases: [(String, String)] = [
            ("", "unexpected end of input"), ("{", "expected a string key"), ("[1,]", "unexpected character ']'"),
            ("01", "leading zero in number"), ("\"abc", "unterminated string"), ("tru", "unexpected end of input"),
            ("{\"a\" 1}", "expected ':' after key"), ("1 2", "unexpected text after the value"),
            ("\"\\x\"", "invalid escape '\\x'"), ("\"\\ud800\"", "unpaired surrogate in \\u escape"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try JSON(parsing: text), text) { error in
                XCTAssertEqual((error as? JSONError)?.message, message, text)
            }
        }
    }

    func testParse_DeepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 100_000)
        XCTAssertThrowsError(try JSON(parsing: text)) { error in
            XCTAssertEqual((error as? JSONError)?.message, "nested deeper than 512 levels")
        }
    }

    func testSubscript_ReadsAndWritesMembers() {
        var value: JSON = ["fields": ["summary": "old"]]
        value["fields"]?["summary"] = "new"
        XCTAssertEqual(value["fields"]?["summary"]?.stringValue, "new")
        XCTAssertNil(value["missing"])
        XCTAssertNil(JSON.int(1)["x"])
    }
}
