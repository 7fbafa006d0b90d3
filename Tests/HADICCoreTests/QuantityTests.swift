import XCTest
@testable import HADICCore

final class QuantityTests: XCTestCase {
    private func micro(_ amount: String, _ unit: QuantityUnit) -> Int64? { Quantity(amount: amount, unit: unit)?.micro }

    func testUnitTable() {
        let expected: [QuantityUnit: (Int64, QuantityUnit.Dimension, QuantityUnit)] = [
            .mg: (1_000, .mass, .kg), .g: (1_000_000, .mass, .kg), .kg: (1_000_000_000, .mass, .kg),
            .t: (1_000_000_000_000, .mass, .kg), .ml: (1_000, .volume, .l), .l: (1_000_000, .volume, .l),
            .pcs: (1_000_000, .count, .pcs),
        ]
        XCTAssertEqual(QuantityUnit.allCases.count, 7)
        for unit in QuantityUnit.allCases {
            let (m, dim, display) = expected[unit]!
            XCTAssertEqual(unit.microUnits, m, unit.rawValue)
            XCTAssertEqual(unit.dimension, dim, unit.rawValue)
            XCTAssertEqual(unit.displayUnit, display, unit.rawValue)
        }
    }

    func testWholeAmountsInEveryUnit() {
        for unit in QuantityUnit.allCases {
            XCTAssertEqual(micro("1", unit), unit.microUnits, unit.rawValue)
            XCTAssertEqual(micro("25", unit), 25 * unit.microUnits, unit.rawValue)
        }
    }

    func testFinestFractionInEveryUnit() {
        // The smallest amount is one micro unit; one digit more is refused.
        let finest: [QuantityUnit: String] = [
            .mg: "0.001", .g: "0.000001", .kg: "0.000000001", .t: "0.000000000001",
            .ml: "0.001", .l: "0.000001", .pcs: "0.000001",
        ]
        for unit in QuantityUnit.allCases {
            let text = finest[unit]!
            XCTAssertEqual(micro(text, unit), 1, "\(text) \(unit.rawValue)")
            let tooFine = String(text.dropLast()) + "01"
            XCTAssertNil(micro(tooFine, unit), "\(tooFine) \(unit.rawValue)")
            XCTAssertNil(micro("1" + String(text.dropFirst()) + "1", unit), "1\(text.dropFirst())1 \(unit.rawValue)")
        }
    }

    func testDecimalValues() {
        XCTAssertEqual(micro("12.5", .kg), 12_500_000_000)
        XCTAssertEqual(micro("0.5", .g), 500_000)
        XCTAssertEqual(micro("1.25", .t), 1_250_000_000_000)
        XCTAssertEqual(micro("0.35", .l), 350_000)
        XCTAssertEqual(micro("3.141", .ml), 3_141)
        XCTAssertEqual(micro("600", .pcs), 600_000_000)
        XCTAssertEqual(micro("0.5", .pcs), 500_000)
        XCTAssertEqual(micro("1800", .kg), 1_800_000_000_000)
        XCTAssertEqual(micro("10000", .g), micro("10", .kg))
        XCTAssertEqual(micro("1.500", .kg), 1_500_000_000, "trailing zeros within precision")
    }

    func testTrailingZerosBeyondPrecisionKeepTheWholePart() {
        // "5.0010 mg" is 5.001 mg = 5001 µg; a fourth fraction digit that is 0 adds no precision.
        // Either refusing it or reading 5001 would be consistent; reading 1 µg is not.
        let a = Quantity(amount: "5.0010", unit: .mg)
        XCTAssertTrue(a == nil || a!.micro == 5_001, "5.0010 mg read as \(String(describing: a?.micro)) µg")
        let b = Quantity(amount: "2.5000000", unit: .g)
        XCTAssertTrue(b == nil || b!.micro == 2_500_000, "2.5000000 g read as \(String(describing: b?.micro)) µg")
        // Nothing after the micro digit may be something other than zero.
        XCTAssertNil(Quantity(amount: "0.00105", unit: .mg), "0.00105 mg is finer than 1 µg")
        XCTAssertNil(Quantity(amount: "0.0010x", unit: .mg), "0.0010x is not a decimal")
    }

    func testZeroAndMalformedRefused() {
        let invalid = ["0", "0.0", "00", "01", "00.5", "007", "-1", "+1", "1e3", "1E3", "1e-3", ".5", "5.", "1.2.3",
                       "1,5", " 5", "5 ", "", "0x10", "١", "NaN", "Infinity", "1_000"]
        for text in invalid {
            XCTAssertNil(Quantity(amount: text, unit: .kg), text)
        }
        XCTAssertNotNil(Quantity(amount: "0.5", unit: .kg))
        XCTAssertNotNil(Quantity(amount: "10", unit: .kg))
        XCTAssertNil(Quantity(amount: "1" + String(repeating: "0", count: 30), unit: .pcs), "over 30 characters")
    }

    func testOverflowRefused() {
        // Int64.max = 9_223_372_036_854_775_807 micro units.
        XCTAssertEqual(micro("9223372036854.775807", .pcs), Int64.max)
        XCTAssertNil(micro("9223372036854.775808", .pcs))
        XCTAssertEqual(micro("9223372", .t), 9_223_372_000_000_000_000)
        XCTAssertNil(micro("9223373", .t))
        XCTAssertNil(micro("9223372036854775807", .mg), "whole fits but times 1000 does not")
        XCTAssertNil(micro("9223372036854775808", .pcs), "whole part alone overflows")
        XCTAssertNil(micro("99999999999999999999999", .mg))
    }

    func testFormat() {
        XCTAssertEqual(Quantity.format(micro: 12_500_000_000, in: .kg), "12.5")
        XCTAssertEqual(Quantity.format(micro: 1_000_000_000, in: .kg), "1")
        XCTAssertEqual(Quantity.format(micro: 1, in: .kg), "0.000000001")
        XCTAssertEqual(Quantity.format(micro: 0, in: .l), "0")
        XCTAssertEqual(Quantity.format(micro: 350_000, in: .l), "0.35")
        XCTAssertEqual(Quantity.format(micro: -1_500, in: .g), "-0.0015")
        XCTAssertEqual(Quantity.format(micro: 600_000_000, in: .pcs), "600")
        XCTAssertEqual(Quantity.format(micro: 1_234_567, in: .mg), "1234.567")
        XCTAssertEqual(Quantity.format(micro: Int64.max, in: .pcs), "9223372036854.775807")
        // format and parse are inverse for positive amounts.
        for (m, unit) in [(Int64(12_500_000_000), QuantityUnit.kg), (1, .t), (999_999, .l), (7_000, .ml)] {
            XCTAssertEqual(micro(Quantity.format(micro: m, in: unit), unit), m)
        }
    }

    func testDescriptionAndJSON() {
        let q = Quantity(amount: "12.5", unit: .kg)!
        XCTAssertEqual(q.description, "12.5 kg")
        XCTAssertEqual(q.dimension, .mass)
        XCTAssertEqual(q.json.canonicalString, #"{"amount":"12.5","unit":"kg"}"#)
        XCTAssertEqual(q.amount, "12.5")
        XCTAssertEqual(q.unit, .kg)
    }

    func testIsDecimalText() {
        for ok in ["0", "12", "0.35", "100.001"] { XCTAssertTrue(Quantity.isDecimalText(ok), ok) }
        for bad in ["", "01", "-1", "1e3", ".5", "5.", "1.2.3", "+1", "1 "] { XCTAssertFalse(Quantity.isDecimalText(bad), bad) }
    }
}
