import XCTest
@testable import HADICCore

final class CanonicalJSONTests: XCTestCase {
    /// RFC 8785 section 3.2.2 example.
    func testRFC8785SerializationExample() throws {
        let input = #"""
        {
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }
        """#
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        let value = try JSONValue.parse(input)
        XCTAssertEqual(value.canonicalBytes, Array(expected.utf8))
        XCTAssertEqual(value.canonicalString, expected)
        // The same bytes, spelled in hex (guards against the test string itself being mangled).
        let hex = value.canonicalBytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        XCTAssertEqual(
            hex,
            "7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62657273223a5b333333"
                + "3333333333332e333333333333332c31652b33302c342e352c302e3030322c31652d32375d2c22737472696e6722"
                + "3a22e282ac245c75303030665c6e4127425c225c5c5c5c5c222f227d")
    }

    /// RFC 8785 section 3.2.3 example: names sorted by UTF-16 code units.
    func testRFC8785KeySortingExample() throws {
        let input = #"""
        {
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }
        """#
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\","
            + "\"\u{F6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20AC}\":\"Euro Sign\","
            + "\"\u{1F600}\":\"Emoji: Grinning Face\",\"\u{FB33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        let value = try JSONValue.parse(input)
        XCTAssertEqual(value.canonicalBytes, Array(expected.utf8))
        // U+FB33 must be written as its own scalar (EF AC B3), not normalized.
        XCTAssertTrue(value.canonicalString.utf8.elementsEqual(expected.utf8))
    }

    func testKeyPrecedesMatchesUTF16Order() {
        let keys = ["", "a", "ab", "b", "\r", "1", "\u{7F}", "\u{80}", "\u{F6}", "\u{7FF}", "\u{800}", "\u{D7FF}",
                    "\u{E000}", "\u{FB33}", "\u{FFFF}", "\u{10000}", "\u{1F600}", "\u{10FFFF}", "a\u{1F600}", "a\u{FFFD}",
                    "\u{20AC}", "\u{20AC}a", "\u{E9}", "e\u{301}"]
        for a in keys {
            for b in keys {
                let expected = Array(a.utf16).lexicographicallyPrecedes(Array(b.utf16))
                XCTAssertEqual(CanonicalJSON.keyPrecedes(a, b), expected, "\(Array(a.unicodeScalars)) vs \(Array(b.unicodeScalars))")
            }
        }
        // The case where UTF-8 order and UTF-16 order disagree.
        XCTAssertTrue(CanonicalJSON.keyPrecedes("\u{1F600}", "\u{FB33}"))
        XCTAssertFalse(CanonicalJSON.keyPrecedes("\u{FB33}", "\u{1F600}"))
    }

    func testControlCharacterEscapes() {
        let named: [UInt8: String] = [0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"]
        let hex = Array("0123456789abcdef")
        for c in UInt8(0)...0x1F {
            let expected = named[c] ?? "\\u00" + String(hex[Int(c >> 4)]) + String(hex[Int(c & 15)])
            let value = JSONValue.string(String(decoding: [c], as: UTF8.self))
            XCTAssertEqual(value.canonicalString, "\"" + expected + "\"", "U+\(String(c, radix: 16))")
        }
        XCTAssertEqual(JSONValue.string("\"").canonicalString, #""\"""#)
        XCTAssertEqual(JSONValue.string("\\").canonicalString, #""\\""#)
        // Not escaped: solidus, DEL, non-ASCII, supplementary characters.
        let literal = "/\u{7F}\u{E9}\u{2028}\u{1F600}<>&'"
        XCTAssertEqual(JSONValue.string(literal).canonicalBytes, [0x22] + Array(literal.utf8) + [0x22])
        XCTAssertEqual(JSONValue.string("a\u{0}b\u{1F}c").canonicalString, #""a\u0000b\u001fc""#)
    }

    func testNoWhitespaceAndNestedSorting() throws {
        let value = try JSONValue.parse(#" { "b" : [ 1 , { "z" : 1 , "a" : [ ] } ] , "a" : { } , "" : null } "#)
        XCTAssertEqual(value.canonicalString, #"{"":null,"a":{},"b":[1,{"a":[],"z":1}]}"#)
    }

    func testNumbersAreNormalized() throws {
        let value = try JSONValue.parse("[-0, 0.0, 1.00, 1e0, 1E+2, 10e-1, -0.000e9999, 100000000000000000000000, 5e-324, 1e-400]")
        XCTAssertEqual(value.canonicalString, "[0,0,1,1,100,1,0,1e+23,5e-324,0]")
    }

    func testRoundTrip() throws {
        let samples: [JSONValue] = [
            .null, true, false, 0, -1, 1.5, 1e300, .number(JSONNumber(-Double.leastNonzeroMagnitude)), "", "x\u{0}y", "\u{1F600}\u{FB33}e\u{301}",
            [], [:], [1, "two", [3.25, nil], ["k": false]],
            ["b": ["c": [1, 2, ["d": "e"]]], "a": "\"\\/\u{8}\u{C}\n\r\t\u{1}", "\u{10000}": 1, "\u{FFFF}": 2],
        ]
        for v in samples {
            let bytes = v.canonicalBytes
            let back = try JSONValue.parse(bytes)
            XCTAssertEqual(back, v, v.canonicalString)
            XCTAssertEqual(back.canonicalBytes, bytes)
        }
    }

    func testParsedDocumentRoundTripIsIdempotent() throws {
        let text = #"{"id":"evt-1","type":"lot.created","time":"2024-01-02T03:04:05Z","qty":{"amount":"12.5","unit":"kg"},"tags":["a","b"],"n":[1,2.5,-3e-9,1e21],"ok":true,"note":null,"u":"\u00e9\ud83d\ude00"}"#
        let value = try JSONValue.parse(text)
        let canonical = value.canonicalBytes
        XCTAssertEqual(try JSONValue.parse(canonical), value)
        XCTAssertEqual(try JSONValue.parse(canonical).canonicalBytes, canonical)
    }

    func testAppendPrefixesExistingBytes() {
        var out: [UInt8] = Array("HADIC\n".utf8)
        CanonicalJSON.append(["b": 2, "a": 1], to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "HADIC\n{\"a\":1,\"b\":2}")
        XCTAssertEqual(CanonicalJSON.encode(["x": [true]]), Array(#"{"x":[true]}"#.utf8))
    }
}
