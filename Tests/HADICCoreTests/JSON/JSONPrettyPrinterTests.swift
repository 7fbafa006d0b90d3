import XCTest
@testable import HADICCore

final class JSONPrettyPrinterTests: XCTestCase {
    func testSmallObject() throws {
        let value = try JSONValue.parse(#"{"name":"lot/1\n","qty":{"unit":"kg","amount":1E3},"tags":["a",true,null],"empty":[],"none":{},"z":-0.0000001}"#)
        let expected = """
        {
          "empty": [],
          "name": "lot/1\\n",
          "none": {},
          "qty": {
            "amount": 1000,
            "unit": "kg"
          },
          "tags": [
            "a",
            true,
            null
          ],
          "z": -1e-7
        }
        """
        XCTAssertEqual(value.prettyPrinted(), expected)
        XCTAssertFalse(value.prettyPrinted().hasSuffix("\n"))
        XCTAssertEqual(try JSONValue.parse(value.prettyPrinted()), value)
    }

    func testScalarsAndEmpty() {
        XCTAssertEqual(JSONValue.null.prettyPrinted(), "null")
        XCTAssertEqual(JSONValue.string("\u{1}é").prettyPrinted(), "\"\\u0001é\"")
        XCTAssertEqual(JSONValue.number(JSONNumber(1e21)).prettyPrinted(), "1e+21")
        XCTAssertEqual(JSONValue.array([]).prettyPrinted(), "[]")
        XCTAssertEqual(JSONValue.object([:]).prettyPrinted(), "{}")
    }

    func testKeyOrderMatchesCanonical() {
        let value: JSONValue = ["\u{FB33}": 1, "\u{1F600}": 2, "b": 3, "a": 4]
        XCTAssertEqual(value.prettyPrinted(), "{\n  \"a\": 4,\n  \"b\": 3,\n  \"\u{1F600}\": 2,\n  \"\u{FB33}\": 1\n}")
        XCTAssertEqual(JSONPrettyPrinter.string(for: [[1]], indentWidth: 4), "[\n    [\n        1\n    ]\n]")
    }
}
