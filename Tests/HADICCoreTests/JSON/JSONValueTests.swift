import XCTest
@testable import HADICCore

final class JSONValueTests: XCTestCase {
    func testLiterals() {
        let v: JSONValue = ["s": "x", "i": 3, "d": 2.5, "b": true, "n": nil, "a": [1, "2"], "o": ["k": false]]
        XCTAssertEqual(v["s"], .string("x"))
        XCTAssertEqual(v["i"], .number(JSONNumber(3)))
        XCTAssertEqual(v["d"], .number(JSONNumber(2.5)))
        XCTAssertEqual(v["b"], .bool(true))
        XCTAssertEqual(v["n"], .null)
        XCTAssertEqual(v["a"], .array([.number(JSONNumber(1)), .string("2")]))
        XCTAssertEqual(v["o"], .object(["k": .bool(false)]))
        let repeated: JSONValue = ["k": 1, "k": 2]
        XCTAssertEqual(repeated, ["k": 2])
    }

    func testAccessors() {
        let v: JSONValue = ["s": "x", "n": 1.5, "b": false, "a": [nil], "o": [:]]
        XCTAssertEqual(v["s"]?.stringValue, "x")
        XCTAssertNil(v["s"]?.boolValue)
        XCTAssertEqual(v["n"]?.numberValue?.double, 1.5)
        XCTAssertNil(v["n"]?.stringValue)
        XCTAssertEqual(v["b"]?.boolValue, false)
        XCTAssertEqual(v["a"]?.arrayValue, [.null])
        XCTAssertEqual(v["o"]?.objectValue, [:])
        XCTAssertNil(v["missing"])
        XCTAssertNil(JSONValue.string("x")["s"])
        XCTAssertNil(JSONValue.array(["s"])["s"])
        XCTAssertNil(v.arrayValue)
        XCTAssertNotNil(v.objectValue)
        XCTAssertEqual(v["a"]?[0], .null)
        XCTAssertNil(v["a"]?[1])
        XCTAssertNil(v["a"]?[-1])
        XCTAssertTrue(JSONValue.null.isNull)
        XCTAssertFalse(JSONValue.bool(false).isNull)
    }

    func testNumberEqualityAndInt64() throws {
        XCTAssertEqual(JSONNumber(0.0), JSONNumber(-0.0))
        XCTAssertEqual(JSONNumber(0.0).hashValue, JSONNumber(-0.0).hashValue)
        XCTAssertEqual(JSONNumber(1), JSONNumber(1.0))
        XCTAssertNotEqual(JSONNumber(1), JSONNumber(1.0000000000000002))
        let a = try XCTUnwrap(JSONValue.parse("1.0").numberValue)
        let b = try XCTUnwrap(JSONValue.parse("10e-1").numberValue)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.hashValue, b.hashValue)
        XCTAssertEqual(a.literal, "1.0")
        XCTAssertNil(JSONNumber(1.0).literal)

        XCTAssertEqual(JSONNumber(42).int64Value, 42)
        XCTAssertEqual(JSONNumber(-0.0).int64Value, 0)
        XCTAssertEqual(JSONNumber(-7.0).int64Value, -7)
        XCTAssertEqual(JSONNumber(9_007_199_254_740_992).int64Value, 9_007_199_254_740_992)
        XCTAssertEqual(JSONNumber(-9_007_199_254_740_992).int64Value, -9_007_199_254_740_992)
        XCTAssertNil(JSONNumber(18_014_398_509_481_984).int64Value)
        XCTAssertNil(JSONNumber(1.5).int64Value)
        XCTAssertNil(JSONNumber(1e300).int64Value)
        XCTAssertNil(JSONNumber(-1e-300).int64Value)
        XCTAssertEqual(try JSONValue.parse("1e2").numberValue?.int64Value, 100)

        XCTAssertEqual(JSONNumber(1e21).description, "1e+21")
        XCTAssertEqual(JSONNumber(-0.0).description, "0")
    }

    func testEqualityIsExactAndOrderIndependent() {
        // Canonically equivalent but different scalars: different values (different JCS bytes).
        XCTAssertNotEqual(JSONValue.string("\u{E9}"), JSONValue.string("e\u{301}"))
        XCTAssertNotEqual(JSONValue.object(["\u{E9}": 1]), JSONValue.object(["e\u{301}": 1]))
        XCTAssertEqual(JSONValue.string("\u{E9}"), JSONValue.string("\u{E9}"))
        XCTAssertNil(JSONValue.object(["\u{E9}": 1])["e\u{301}"])
        XCTAssertEqual(JSONValue.object(["\u{E9}": 1])["\u{E9}"], 1)
        // Member order does not matter; element order does.
        XCTAssertEqual(try JSONValue.parse(#"{"a":1,"b":2}"#), try JSONValue.parse(#"{"b":2,"a":1}"#))
        XCTAssertNotEqual(JSONValue.array([1, 2]), JSONValue.array([2, 1]))
        XCTAssertNotEqual(JSONValue.number(JSONNumber(0)), JSONValue.bool(false))
        XCTAssertNotEqual(JSONValue.null, JSONValue.string("null"))
        XCTAssertNotEqual(JSONValue.object(["a": 1]), JSONValue.object(["a": 1, "b": 1]))
        // Hash agrees with equality.
        let set: Set<JSONValue> = [["a": [1, 2]], ["a": [1, 2.0]], ["a": [1, -0.0]], ["a": [1, 0]]]
        XCTAssertEqual(set.count, 2)
    }

    func testCanonicalEquivalenceInKeysIsRefusedAsDuplicate() {
        // Swift cannot hold both spellings in one dictionary, so the parser refuses them.
        XCTAssertThrowsError(try JSONValue.parse("{\"\u{E9}\":1,\"e\u{301}\":2}")) { error in
            guard case JSONParseError.duplicateKey(let offset, _)? = error as? JSONParseError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(offset, 8)
        }
    }

    func testDescriptionIsCanonical() {
        let v: JSONValue = ["b": [1.5, "x"], "a": nil]
        XCTAssertEqual(v.description, #"{"a":null,"b":[1.5,"x"]}"#)
        XCTAssertEqual("\(v)", v.canonicalString)
    }
}
