import XCTest
@testable import HADICCore

/// Exercises the word-at-a-time string scanning and the exact number fast path against
/// simple reference behaviour, at every alignment.
final class JSONFastPathTests: XCTestCase {
    private struct XorShift {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Reference escaper: one Unicode scalar at a time, straight from RFC 8785 section 3.2.2.2.
    private func referenceEscape(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0}"..."\u{1F}":
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    func testEscapingAtEveryPosition() {
        let specials: [Unicode.Scalar] = ["\u{0}", "\u{1F}", "\"", "\\", "\n", "\u{7F}", "\u{E9}", "\u{1F600}", "/", " "]
        for length in 0..<24 {
            for position in 0..<max(length, 1) {
                for special in specials {
                    var scalars = Array(repeating: Unicode.Scalar("a"), count: length)
                    if length > 0 { scalars[position] = special }
                    var s = ""
                    s.unicodeScalars.append(contentsOf: scalars)
                    XCTAssertEqual(JSONValue.string(s).canonicalString, referenceEscape(s), "\(scalars)")
                    XCTAssertEqual(try JSONValue.parse(JSONValue.string(s).canonicalBytes), .string(s))
                }
            }
        }
    }

    func testStringScanningAtEveryPosition() {
        for length in 1..<24 {
            for position in 0..<length {
                var body = Array(repeating: UInt8(ascii: "x"), count: length)
                // A control character is refused at its exact offset.
                body[position] = 0x01
                XCTAssertThrowsError(try JSONValue.parse([0x22] + body + [0x22])) { error in
                    XCTAssertEqual(error as? JSONParseError, .controlCharacterInString(offset: position + 1, byte: 1))
                }
                // Invalid UTF-8 is refused at its exact offset.
                body[position] = 0xFF
                XCTAssertThrowsError(try JSONValue.parse([0x22] + body + [0x22])) { error in
                    XCTAssertEqual(error as? JSONParseError, .invalidUTF8(offset: position + 1))
                }
                // A quote ends the string early: the rest is unexpected.
                body[position] = 0x22
                let early = [0x22] + body + [0x22]
                XCTAssertThrowsError(try JSONValue.parse(early)) { error in
                    XCTAssertEqual(error as? JSONParseError, .trailingData(offset: position + 2))
                }
                // An escape or a valid multi-byte character anywhere is decoded.
                body[position] = UInt8(ascii: "x")
                var escaped = body
                escaped.replaceSubrange(position..<(position + 1), with: Array(#"\u00e9"#.utf8))
                var expected = String(repeating: "x", count: length)
                expected.replaceSubrange(
                    expected.index(expected.startIndex, offsetBy: position)..<expected.index(expected.startIndex, offsetBy: position + 1),
                    with: "\u{E9}")
                XCTAssertEqual(try JSONValue.parse([0x22] + escaped + [0x22]), .string(expected))
                var raw = body
                raw.replaceSubrange(position..<(position + 1), with: [0xC3, 0xA9])
                XCTAssertEqual(try JSONValue.parse([0x22] + raw + [0x22]), .string(expected))
            }
        }
    }

    func testNumberFastPathMatchesStrtod() throws {
        var rng = XorShift(state: 0x2545_F491_4F6C_DD1D)
        for _ in 0..<20_000 {
            var text = rng.below(2) == 0 ? "" : "-"
            let intDigits = rng.below(10)
            if intDigits == 0 {
                text += "0"
            } else {
                text += String(1 + rng.below(9))
                for _ in 1..<intDigits { text += String(rng.below(10)) }
            }
            if rng.below(2) == 0 {
                text += "."
                for _ in 0..<(1 + rng.below(12)) { text += String(rng.below(10)) }
            }
            if rng.below(3) == 0 {
                text += ["e", "E", "e+", "e-", "E-"][rng.below(5)] + String(rng.below(40))
            }
            let parsed = try XCTUnwrap(JSONValue.parse(text).numberValue, text)
            let reference = try XCTUnwrap(Double(text), text)
            XCTAssertEqual(parsed.double.bitPattern, reference.bitPattern, text)
            XCTAssertEqual(parsed.literal, text)
        }
    }
}
