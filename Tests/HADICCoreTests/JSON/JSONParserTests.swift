import XCTest
@testable import HADICCore

final class JSONParserTests: XCTestCase {
    private func parse(_ text: String, limits: JSONLimits = .default) throws(JSONParseError) -> JSONValue {
        try JSONValue.parse(text, limits: limits)
    }

    private func assertError(
        _ bytes: [UInt8], _ expected: JSONParseError, limits: JSONLimits = .default,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do throws(JSONParseError) {
            let v = try JSONValue.parse(bytes, limits: limits)
            XCTFail("accepted \(bytes) as \(v)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, "\(String(decoding: bytes, as: UTF8.self))", file: file, line: line)
        }
    }

    private func assertError(
        _ text: String, _ expected: JSONParseError, limits: JSONLimits = .default,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        assertError(Array(text.utf8), expected, limits: limits, file: file, line: line)
    }

    // MARK: - Accepted input

    func testScalars() throws {
        XCTAssertEqual(try parse("null"), .null)
        XCTAssertEqual(try parse("true"), .bool(true))
        XCTAssertEqual(try parse("false"), .bool(false))
        XCTAssertEqual(try parse("\"hi\""), .string("hi"))
        XCTAssertEqual(try parse("-12.5e1").numberValue?.double, -125)
        XCTAssertEqual(try parse(" \t\r\n0 \t\r\n"), .number(JSONNumber(0)))
    }

    func testStructures() throws {
        let v = try parse(#"{"a":[1,{"b":null}],"c":"d","e":{}}"#)
        XCTAssertEqual(v, ["a": [1, ["b": nil]], "c": "d", "e": [:]])
        XCTAssertEqual(v["a"]?[1]?["b"], .null)
        XCTAssertEqual(try parse("[]"), .array([]))
        XCTAssertEqual(try parse("[ ]"), .array([]))
        XCTAssertEqual(try parse("{ }"), .object([:]))
        XCTAssertEqual(try parse("[[[]]]"), [[[]]])
    }

    func testNumberLiteralsAndValues() throws {
        let cases: [(String, Double)] = [
            ("0", 0), ("-0", -0.0), ("1", 1), ("-1", -1), ("10", 10), ("0.5", 0.5), ("-0.5", -0.5),
            ("1e2", 100), ("1E2", 100), ("1e+2", 100), ("1e-2", 0.01), ("0e0", 0), ("123456789012345", 123456789012345),
            ("1234567890123456789", 1.2345678901234568e18), ("333333333.33333329", 333333333.3333333),
            ("1.7976931348623157e308", .greatestFiniteMagnitude), ("4.9e-324", .leastNonzeroMagnitude),
            ("9007199254740993", 9007199254740992), ("0.1", 0.1), ("2.2250738585072011e-308", Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)),
        ]
        for (text, expected) in cases {
            let n = try XCTUnwrap(parse(text).numberValue, text)
            XCTAssertEqual(n.double, expected, text)
            XCTAssertEqual(n.double.sign, expected.sign, text)
            XCTAssertEqual(n.literal, text)
        }
    }

    func testStringsAndEscapes() throws {
        XCTAssertEqual(try parse(#""\"\\\/\b\f\n\r\t""#), .string("\"\\/\u{8}\u{C}\n\r\t"))
        XCTAssertEqual(try parse(#""\u0041\u00e9\u00E9\u20ac\u0000""#), .string("A\u{E9}\u{E9}\u{20AC}\u{0}"))
        XCTAssertEqual(try parse(#""\ud83d\ude00""#), .string("\u{1F600}"))
        XCTAssertEqual(try parse(#""\uDBFF\uDFFF""#), .string("\u{10FFFF}"))
        XCTAssertEqual(try parse("\"\u{E9}\u{1F600}\u{FB33}\u{7F}\""), .string("\u{E9}\u{1F600}\u{FB33}\u{7F}"))
        XCTAssertEqual(try parse(#""abc\ndef\u00e9ghi😀jkl""#), .string("abc\ndef\u{E9}ghi\u{1F600}jkl"))
        // Scalars are kept as written: no normalization.
        let decomposed = try XCTUnwrap(parse("\"e\u{301}\"").stringValue)
        XCTAssertEqual(Array(decomposed.unicodeScalars), ["e", "\u{301}"])
    }

    func testAcceptsAnyContiguousOrNonContiguousCollection() throws {
        let text = #"{"k":[1,"v"]}"#
        let expected: JSONValue = ["k": [1, "v"]]
        XCTAssertEqual(try JSONValue.parse(Array(text.utf8)), expected)
        XCTAssertEqual(try JSONValue.parse(Array(text.utf8)[...]), expected)
        XCTAssertEqual(try JSONValue.parse(text.utf8), expected)
        XCTAssertEqual(try JSONValue.parse(text.utf8.lazy.map { $0 }), expected)  // not contiguous
        XCTAssertEqual(try JSONValue.parse(Substring(text).utf8), expected)
    }

    // MARK: - Refused input

    func testEmptyAndTruncated() {
        assertError("", .unexpectedEnd(offset: 0))
        assertError("   ", .unexpectedEnd(offset: 3))
        assertError("[", .unexpectedEnd(offset: 1))
        assertError("[1,", .unexpectedEnd(offset: 3))
        assertError("{\"a\"", .unexpectedEnd(offset: 4))
        assertError("{\"a\":", .unexpectedEnd(offset: 5))
        assertError("{\"a\":1", .unexpectedEnd(offset: 6))
        assertError("\"abc", .unexpectedEnd(offset: 4))
        assertError("\"ab\\", .unexpectedEnd(offset: 4))
        assertError("\"\\u00", .unexpectedEnd(offset: 5))
        assertError("tru", .unexpectedEnd(offset: 3))
        assertError("nul", .unexpectedEnd(offset: 3))
    }

    func testUnexpectedBytes() {
        assertError("+1", .unexpectedByte(offset: 0, byte: UInt8(ascii: "+")))
        assertError(".5", .unexpectedByte(offset: 0, byte: UInt8(ascii: ".")))
        assertError("NaN", .unexpectedByte(offset: 0, byte: UInt8(ascii: "N")))
        assertError("Infinity", .unexpectedByte(offset: 0, byte: UInt8(ascii: "I")))
        assertError("[1,]", .unexpectedByte(offset: 3, byte: UInt8(ascii: "]")))
        assertError("{\"a\":1,}", .unexpectedByte(offset: 7, byte: UInt8(ascii: "}")))
        assertError("[1 2]", .unexpectedByte(offset: 3, byte: UInt8(ascii: "2")))
        assertError("{'a':1}", .unexpectedByte(offset: 1, byte: UInt8(ascii: "'")))
        assertError("{a:1}", .unexpectedByte(offset: 1, byte: UInt8(ascii: "a")))
        assertError("{\"a\" 1}", .unexpectedByte(offset: 5, byte: UInt8(ascii: "1")))
        assertError("trUe", .unexpectedByte(offset: 2, byte: UInt8(ascii: "U")))
        assertError("[01]", .invalidNumber(offset: 1))
        assertError("\u{C}1", .unexpectedByte(offset: 0, byte: 0x0C))  // form feed is not whitespace
        assertError("\u{A0}1", .unexpectedByte(offset: 0, byte: 0xC2))  // nor is NBSP
        assertError("[1]\u{B}", .trailingData(offset: 3))  // vertical tab is not whitespace
    }

    func testMalformedNumbers() {
        for text in ["01", "-01", "00", "1.", "1.e5", "-", "-a", "1e", "1e+", "1E-", "-.5", "-Infinity", "1.5e"] {
            assertError(text, .invalidNumber(offset: 0))
        }
        assertError("[1, 02]", .invalidNumber(offset: 4))
        assertError("1.5.2", .trailingData(offset: 3))
        assertError("1e5e5", .trailingData(offset: 3))
        assertError("0x10", .trailingData(offset: 1))
    }

    func testNumberOutOfRange() {
        assertError("1e309", .numberOutOfRange(offset: 0))
        assertError("-1e309", .numberOutOfRange(offset: 0))
        assertError("[0, 1.8e308]", .numberOutOfRange(offset: 4))
        assertError("[" + String(repeating: "9", count: 400) + "]", .numberOutOfRange(offset: 1))
        // Underflow to zero is a finite double and is accepted.
        XCTAssertEqual(try parse("1e-400").numberValue?.double, 0)
    }

    func testStringProblems() {
        assertError("\"a\u{1}b\"", .controlCharacterInString(offset: 2, byte: 1))
        assertError("\"a\nb\"", .controlCharacterInString(offset: 2, byte: 0x0A))
        assertError("\"\t\"", .controlCharacterInString(offset: 1, byte: 0x09))
        assertError(#""\x41""#, .invalidEscape(offset: 1))
        assertError(#""ab\'""#, .invalidEscape(offset: 3))
        assertError(#""\u12G4""#, .invalidEscape(offset: 1))
        assertError(#""\U0041""#, .invalidEscape(offset: 1))
        assertError(#""\0""#, .invalidEscape(offset: 1))
        assertError(#""\u00e9\a""#, .invalidEscape(offset: 7))
    }

    func testLoneSurrogates() {
        assertError(#""\ud800""#, .loneSurrogate(offset: 1))
        assertError(#""\uD800x""#, .loneSurrogate(offset: 1))
        assertError(#""a\udc00""#, .loneSurrogate(offset: 2))
        assertError(#""\udfff\ud800""#, .loneSurrogate(offset: 1))
        assertError(#""\ud800\u0041""#, .loneSurrogate(offset: 1))
        assertError(#""\ud800\ud800""#, .loneSurrogate(offset: 1))
        assertError(#""\ud83d\n""#, .loneSurrogate(offset: 1))
        assertError(#"{"k":"x\ud83d"}"#, .loneSurrogate(offset: 7))
    }

    func testInvalidUTF8() {
        let q: UInt8 = 0x22
        assertError([q, 0x80, q], .invalidUTF8(offset: 1))  // stray continuation
        assertError([q, 0x61, 0xC3, 0x28, q], .invalidUTF8(offset: 2))  // bad continuation
        assertError([q, 0xC0, 0xAF, q], .invalidUTF8(offset: 1))  // overlong "/"
        assertError([q, 0xC1, 0xBF, q], .invalidUTF8(offset: 1))  // overlong
        assertError([q, 0xE0, 0x80, 0xAF, q], .invalidUTF8(offset: 1))  // overlong 3-byte
        assertError([q, 0xF0, 0x80, 0x80, 0xAF, q], .invalidUTF8(offset: 1))  // overlong 4-byte
        assertError([q, 0xED, 0xA0, 0x80, q], .invalidUTF8(offset: 1))  // encoded surrogate U+D800
        assertError([q, 0xED, 0xBF, 0xBF, q], .invalidUTF8(offset: 1))  // encoded surrogate U+DFFF
        assertError([q, 0xF4, 0x90, 0x80, 0x80, q], .invalidUTF8(offset: 1))  // above U+10FFFF
        assertError([q, 0xF5, 0x80, 0x80, 0x80, q], .invalidUTF8(offset: 1))
        assertError([q, 0xFF, q], .invalidUTF8(offset: 1))
        assertError([q, 0xE2, 0x82, q], .invalidUTF8(offset: 1))  // truncated before the quote
        assertError([q, 0x5C, 0x6E, 0xE2, 0x28, 0xAC, q], .invalidUTF8(offset: 3))  // in the escaped path
        assertError([q, 0xE2, 0x82], .unexpectedEnd(offset: 3))
        // Outside strings, non-ASCII bytes are simply unexpected.
        assertError([0x5B, 0xC3, 0xA9, 0x5D], .unexpectedByte(offset: 1, byte: 0xC3))
        // Valid boundaries are accepted.
        XCTAssertNoThrow(try JSONValue.parse([q, 0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF, q]))
    }

    func testByteOrderMarkRefused() {
        assertError([0xEF, 0xBB, 0xBF, 0x31], .byteOrderMark)
        assertError("\u{FEFF}1", .byteOrderMark)
    }

    func testTrailingData() {
        assertError("1 2", .trailingData(offset: 2))
        assertError("{} {}", .trailingData(offset: 3))
        assertError("[]]", .trailingData(offset: 2))
        assertError("null\u{0}", .trailingData(offset: 4))
        assertError("truex", .trailingData(offset: 4))
    }

    func testDuplicateKeys() {
        assertError(#"{"a":1,"a":2}"#, .duplicateKey(offset: 7, key: "a"))
        assertError(#"{"a":1,"b":{"c":1,"c":1}}"#, .duplicateKey(offset: 18, key: "c"))
        // Equal after unescaping.
        assertError(#"{"a":1,"\u0061":2}"#, .duplicateKey(offset: 7, key: "a"))
        assertError(#"{"\ud83d\ude00":1,"😀":2}"#, .duplicateKey(offset: 18, key: "\u{1F600}"))
        // Same name in different objects is fine.
        XCTAssertNoThrow(try parse(#"[{"a":1},{"a":2}]"#))
        XCTAssertNoThrow(try parse(#"{"a":{"a":1}}"#))
    }

    func testDepthLimit() throws {
        let limits = JSONLimits(maxDepth: 3, maxBytes: 1000)
        XCTAssertNoThrow(try parse("[[[1]]]", limits: limits))
        XCTAssertNoThrow(try parse(#"{"a":[{"b":1}]}"#, limits: limits))
        assertError("[[[[1]]]]", .tooDeep(offset: 3, maxDepth: 3), limits: limits)
        assertError(#"{"a":[{"b":{}}]}"#, .tooDeep(offset: 11, maxDepth: 3), limits: limits)
        XCTAssertNoThrow(try parse("1", limits: JSONLimits(maxDepth: 0, maxBytes: 10)))
        assertError("[]", .tooDeep(offset: 0, maxDepth: 0), limits: JSONLimits(maxDepth: 0, maxBytes: 10))
        // Default: 64 levels.
        XCTAssertNoThrow(try parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)))
        assertError(String(repeating: "[", count: 65) + String(repeating: "]", count: 65), .tooDeep(offset: 64, maxDepth: 64))
        // Deep hostile input fails cleanly instead of exhausting the stack.
        assertError(String(repeating: "[", count: 100_000), .tooDeep(offset: 64, maxDepth: 64))
    }

    func testSizeLimit() {
        let limits = JSONLimits(maxDepth: 64, maxBytes: 8)
        XCTAssertNoThrow(try parse("[1,2,30]", limits: limits))
        assertError("[1,2,300]", .tooLarge(byteCount: 9, maxBytes: 8), limits: limits)
        XCTAssertEqual(JSONLimits.default.maxBytes, 16 * 1024 * 1024)
        XCTAssertEqual(JSONLimits.default.maxDepth, 64)
    }

    func testErrorDescriptionsNameProblemAndOffset() {
        XCTAssertEqual(JSONParseError.unexpectedByte(offset: 3, byte: 0x2B).description, "unexpected byte 0x2B ('+') at offset 3")
        XCTAssertEqual(JSONParseError.duplicateKey(offset: 7, key: "a").description, "duplicate object key \"a\" at offset 7")
        XCTAssertEqual(JSONParseError.duplicateKey(offset: 7, key: "a").offset, 7)
        XCTAssertNil(JSONParseError.tooLarge(byteCount: 9, maxBytes: 8).offset)
        XCTAssertTrue(JSONParseError.loneSurrogate(offset: 12).description.contains("12"))
    }
}
