import XCTest
@testable import HADICCore

final class ECMAScriptNumberFormatterTests: XCTestCase {
    /// RFC 8785 Appendix B: IEEE-754 bit patterns and their required serialization.
    static let appendixB: [(UInt64, String)] = [
        (0x0000_0000_0000_0000, "0"),
        (0x8000_0000_0000_0000, "0"),
        (0x0000_0000_0000_0001, "5e-324"),
        (0x8000_0000_0000_0001, "-5e-324"),
        (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"),
        (0xFFEF_FFFF_FFFF_FFFF, "-1.7976931348623157e+308"),
        (0x4340_0000_0000_0000, "9007199254740992"),
        (0xC340_0000_0000_0000, "-9007199254740992"),
        (0x4430_0000_0000_0000, "295147905179352830000"),
        (0x44B5_2D02_C7E1_4AF5, "9.999999999999997e+22"),
        (0x44B5_2D02_C7E1_4AF6, "1e+23"),
        (0x44B5_2D02_C7E1_4AF7, "1.0000000000000001e+23"),
        (0x444B_1AE4_D6E2_EF4E, "999999999999999700000"),
        (0x444B_1AE4_D6E2_EF4F, "999999999999999900000"),
        (0x444B_1AE4_D6E2_EF50, "1e+21"),
        (0x3EB0_C6F7_A0B5_ED8C, "9.999999999999997e-7"),
        (0x3EB0_C6F7_A0B5_ED8D, "0.000001"),
        (0x41B3_DE43_5555_5553, "333333333.3333332"),
        (0x41B3_DE43_5555_5554, "333333333.33333325"),
        (0x41B3_DE43_5555_5555, "333333333.3333333"),
        (0x41B3_DE43_5555_5556, "333333333.3333334"),
        (0x41B3_DE43_5555_5557, "333333333.33333343"),
        (0xBECB_F647_612F_3696, "-0.0000033333333333333333"),
        (0x4314_3FF3_C1CB_0959, "1424953923781206.2"),  // round to even
    ]

    /// Appendix B rows that have no JSON form: NaN and Infinity.
    static let appendixBInvalid: [UInt64] = [0x7FFF_FFFF_FFFF_FFFF, 0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000]

    func testAppendixBVectors() {
        for (bits, expected) in Self.appendixB {
            let d = Double(bitPattern: bits)
            let hex = String(bits, radix: 16)
            XCTAssertEqual(ECMAScriptNumberFormatter.string(from: d), expected, "0x\(hex)")
            var out: [UInt8] = [0x41]
            XCTAssertTrue(ECMAScriptNumberFormatter.append(d, to: &out))
            XCTAssertEqual(out, [0x41] + Array(expected.utf8), "0x\(hex)")
            XCTAssertEqual(JSONNumber(d).description, expected, "0x\(hex)")
            XCTAssertEqual(JSONValue.number(JSONNumber(d)).canonicalBytes, Array(expected.utf8), "0x\(hex)")
        }
    }

    func testAppendixBVectorsSurviveParsing() throws {
        for (bits, expected) in Self.appendixB {
            let d = Double(bitPattern: bits)
            let parsed = try JSONValue.parse(expected)
            XCTAssertEqual(parsed.numberValue?.double, d, expected)
            XCTAssertEqual(parsed.canonicalString, expected)
        }
    }

    func testNaNAndInfinityAreUnrepresentable() {
        for bits in Self.appendixBInvalid {
            let d = Double(bitPattern: bits)
            XCTAssertNil(ECMAScriptNumberFormatter.string(from: d))
            var out: [UInt8] = []
            XCTAssertFalse(ECMAScriptNumberFormatter.append(d, to: &out))
            XCTAssertEqual(out, [])
            XCTAssertNil(JSONNumber(finite: d))
        }
        XCTAssertNotNil(JSONNumber(finite: 1.5))
    }

    func testLayoutBoundaries() {
        let cases: [(Double, String)] = [
            (1, "1"), (-1, "-1"), (0.1, "0.1"), (-0.5, "-0.5"), (123.0, "123"), (4.5, "4.5"),
            (0.002, "0.002"), (1e-27, "1e-27"), (1e30, "1e+30"), (1e20, "100000000000000000000"),
            (1e21, "1e+21"), (1.5e21, "1.5e+21"), (1.2345678901234568e20, "123456789012345680000"),
            (1e-6, "0.000001"), (1.5e-6, "0.0000015"), (1e-7, "1e-7"), (1.25e-7, "1.25e-7"),
            (0.000123, "0.000123"), (1e16, "10000000000000000"), (1e17, "100000000000000000"),
            (2.5, "2.5"), (100.25, "100.25"), (-1e-7, "-1e-7"), (9007199254740992.0 + 1, "9007199254740992"),
            (18014398509481984, "18014398509481984"), (12345.678, "12345.678"),
            (Double.leastNormalMagnitude, "2.2250738585072014e-308"),
            (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
            (-0.0, "0"), (5e-7, "5e-7"), (0.3, "0.3"), (0.1 + 0.2, "0.30000000000000004"),
        ]
        for (d, expected) in cases {
            XCTAssertEqual(ECMAScriptNumberFormatter.string(from: d), expected, "\(d)")
        }
    }

    /// Every output must round-trip to the same double, be strict JSON, and have at most 17
    /// significant digits (a deterministic sample across all exponents).
    func testRandomDoublesRoundTrip() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var checked = 0
        while checked < 20_000 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            let d = Double(bitPattern: state)
            guard d.isFinite else { continue }
            checked += 1
            guard let s = ECMAScriptNumberFormatter.string(from: d) else {
                return XCTFail("no output for \(d)")
            }
            XCTAssertEqual(Double(s), d, s)
            let parsed = try JSONValue.parse(s)
            XCTAssertEqual(parsed.numberValue?.double, d, s)
            let significant = s.prefix { $0 != "e" }.filter { $0.isNumber }.drop { $0 == "0" }
            XCTAssertLessThanOrEqual(significant.count, 21, s)  // integers may be zero-padded
            if s.contains("e") {
                XCTAssertLessThanOrEqual(significant.count, 17, s)
            }
        }
    }

    func testIntegersInSafeRange() {
        for i: Int64 in [0, 7, 10, 99, 100, 1_000_000, 4_294_967_296, 9_007_199_254_740_991, -9_007_199_254_740_991, -42] {
            XCTAssertEqual(ECMAScriptNumberFormatter.string(from: Double(i)), String(i))
        }
    }
}
